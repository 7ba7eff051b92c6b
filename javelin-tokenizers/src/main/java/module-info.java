/** Hugging Face tokenizer.json pipelines (WordPiece, BPE, Unigram) in plain Java. */
module dev.javelin.tokenizers {
    requires com.fasterxml.jackson.databind;

    exports dev.javelin.tokenizers;
    exports dev.javelin.tokenizers.decoders;
    exports dev.javelin.tokenizers.models;
    exports dev.javelin.tokenizers.normalizers;
    exports dev.javelin.tokenizers.pretokenizers;
    exports dev.javelin.tokenizers.processors;

    opens dev.javelin.tokenizers to com.fasterxml.jackson.databind;
}

/** The engine and the pipelines users call: embeddings, text classification, rerank. */
module dev.javelin.pipelines {
    requires transitive dev.javelin.models;
    requires transitive dev.javelin.tokenizers;
    requires me.tongfei.progressbar;

    exports dev.javelin.engine;
    exports dev.javelin.pipelines;

    opens dev.javelin.engine to com.fasterxml.jackson.databind;
}

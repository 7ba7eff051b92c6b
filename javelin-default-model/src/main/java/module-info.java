/** The embedded default model, all-MiniLM-L6-v2, found by dev.javelin.io through ServiceLoader. */
module dev.javelin.bundled {
    requires dev.javelin.io;
    requires dev.javelin.onnx;
    // Only for its resources (the ONNX file and tokenizer.json); the name is derived from the jar's.
    requires langchain4j.embeddings.all.minilm.l6.v2;

    exports dev.javelin.bundled;

    provides dev.javelin.io.source.DefaultModel with dev.javelin.bundled.AllMiniLmL6V2;
}

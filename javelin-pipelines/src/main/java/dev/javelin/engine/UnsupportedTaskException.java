package dev.javelin.engine;

/** A task the loaded model cannot do: embedding with a classifier, classifying with a bare encoder, reranking without a cross-encoder. */
public final class UnsupportedTaskException extends UnsupportedOperationException {
    UnsupportedTaskException(String message) {
        super(message);
    }
}

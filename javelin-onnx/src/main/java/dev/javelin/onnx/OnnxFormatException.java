package dev.javelin.onnx;

import java.io.IOException;

/** An ONNX file Javelin cannot read or import: malformed protobuf, or a graph pattern it does not know. */
public final class OnnxFormatException extends IOException {
    public OnnxFormatException(String message) {
        super(message);
    }

    public OnnxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.javelin.models;

import java.io.IOException;

/** A checkpoint or config that does not describe a model Javelin can build: missing or misshapen weights, unsupported settings. */
public final class ModelFormatException extends IOException {
    public ModelFormatException(String message) {
        super(message);
    }
}

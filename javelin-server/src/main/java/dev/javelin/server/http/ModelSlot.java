package dev.javelin.server.http;

import dev.javelin.server.scheduling.ErrorType;
import dev.javelin.server.scheduling.Inference;
import dev.javelin.server.scheduling.ServerError;

/**
 * The model the routes serve, once it is loaded. The server listens while its model still loads (both
 * take time at start-up, and they overlap); until then health says so and everything else answers 503.
 */
public final class ModelSlot {
    private volatile Inference inference;

    public void set(Inference loaded) {
        inference = loaded;
    }

    /** The model, or null while loading. */
    public Inference orNull() {
        return inference;
    }

    /**
     * @throws ServerError unhealthy (503) while the model loads
     */
    Inference get() {
        Inference loaded = inference;
        if (loaded == null) {
            throw new ServerError(ErrorType.UNHEALTHY, "the model is loading");
        }
        return loaded;
    }
}

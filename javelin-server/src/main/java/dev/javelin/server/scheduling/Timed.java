package dev.javelin.server.scheduling;

import java.util.function.Function;

/** An answer with what computing it cost. */
public record Timed<T>(T value, Timings timings) {

    /** The same costs for an answer derived from this one. */
    public <R> Timed<R> map(Function<T, R> f) {
        return new Timed<>(f.apply(value), timings);
    }
}

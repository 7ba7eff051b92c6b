package dev.javelin.server;

/** An answer with what computing it cost. */
public record Timed<T>(T value, Timings timings) {
}

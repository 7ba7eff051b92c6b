package dev.javelin.server;

/** One label's score in a /predict answer. */
public record Prediction(float score, String label) {
}

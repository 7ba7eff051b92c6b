package dev.javelin.engine;

/** A class label with its score, as Hugging Face's text-classification pipeline and TEI's /predict return them. */
public record Label(String label, float score) {}

package dev.javelin.pipelines;

/** A class label with its score, as Hugging Face's text-classification pipeline returns them. */
public record Label(String label, float score) {}

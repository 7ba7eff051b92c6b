package dev.javelin.onnx;

/** TEMPORARY until javelin-io's PoolingConfig lands. */
public enum SentencePooling { CLS, MEAN, MAX, LAST_TOKEN }

package dev.javelin.io.safetensors;

/** A validated header entry: the tensor and where its bytes lie in the data buffer. */
record TensorEntry(TensorInfo info, long begin, long end) {
}

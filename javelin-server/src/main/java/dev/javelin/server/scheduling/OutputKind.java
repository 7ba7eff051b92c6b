package dev.javelin.server.scheduling;

/** What a queued input needs from the forward pass; inputs of different kinds can share a batch. */
public enum OutputKind {
    /** One pooled vector per input (/embed, /similarity, /v1/embeddings). */
    POOLED,
    /** The last hidden state of every token (/embed_all). */
    ALL_TOKENS,
    /** Raw classifier logits (/predict, /rerank). */
    LOGITS
}

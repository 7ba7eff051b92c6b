/** Training: heads on frozen embeddings, fine-tuning the encoder (full or LoRA), data sets and metrics. */
module dev.javelin.train {
    requires transitive dev.javelin.pipelines;
    requires org.apache.commons.csv;

    exports dev.javelin.train;
    exports dev.javelin.train.data;
    exports dev.javelin.train.embed;
    exports dev.javelin.train.finetune;
    exports dev.javelin.train.linear;
    exports dev.javelin.train.metrics;

    opens dev.javelin.train.data to com.fasterxml.jackson.databind;
}

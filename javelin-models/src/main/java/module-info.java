/** Transformer architectures (BERT, RoBERTa/XLM-R, ...) built from nn layers and io weights. */
module dev.javelin.models {
    requires transitive dev.javelin.nn;
    requires transitive dev.javelin.io;

    exports dev.javelin.models;

    opens dev.javelin.models to com.fasterxml.jackson.databind;
}

/** Model files (safetensors, config.json) and where they come from: local, the HF cache, the Hub. */
module dev.javelin.io {
    requires transitive dev.javelin.kernels;
    requires transitive com.fasterxml.jackson.databind;
    requires java.net.http;
    requires me.tongfei.progressbar;

    exports dev.javelin.io;
    exports dev.javelin.io.config;
    exports dev.javelin.io.safetensors;
    exports dev.javelin.io.source;

    // Jackson binds config.json, safetensors headers and Hub answers to these packages' records.
    opens dev.javelin.io.config to com.fasterxml.jackson.databind;
    opens dev.javelin.io.safetensors to com.fasterxml.jackson.databind;
    opens dev.javelin.io.source to com.fasterxml.jackson.databind;

    uses dev.javelin.io.source.DefaultModel;
}

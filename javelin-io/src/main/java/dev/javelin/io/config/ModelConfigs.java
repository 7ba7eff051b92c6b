package dev.javelin.io.config;

/** Checks the config records share. */
final class ModelConfigs {
    private ModelConfigs() {}

    /** {@code key}'s head count, which must divide {@code hidden}. */
    static int heads(ConfigReader r, String key, int hidden) throws ConfigException {
        int heads = r.requiredPositiveInt(key);
        if (hidden % heads != 0) throw new ConfigException(r.file(), key, heads + " heads do not divide the hidden size " + hidden);
        return heads;
    }
}

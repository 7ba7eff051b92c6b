package dev.javelin.io.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code config.json}, typed by its {@code model_type}. Architecture-defining keys
 * are required; the others default as {@code transformers} defaults them.
 */
public sealed interface ModelConfig
        permits BertConfig, DistilBertConfig, MPNetConfig, GteConfig, NomicBertConfig, ModernBertConfig, Qwen3Config {

    String FILE_NAME = "config.json";

    /** The {@code model_type} value, e.g. {@code bert}, {@code xlm-roberta}, {@code distilbert}. */
    String modelType();

    /** Class id → label of a classification head, ids 0…n-1; empty when the config names no labels. */
    Map<Integer, String> id2label();

    /** The name {@code transformers} gives label {@code id} when the config names none: {@code LABEL_id}. */
    static String defaultLabel(int id) {
        return "LABEL_" + id;
    }

    /** {@code problem_type}: null, or single_label_classification, multi_label_classification, regression. */
    String problemType();

    /** The config as {@code config.json} text with the Hugging Face key names. */
    String toJson();

    /**
     * Parses {@code configJson} (or {@code config.json} inside it, if a directory).
     *
     * @throws ConfigException for invalid JSON, an unsupported {@code model_type}, or a missing or
     *                         ill-typed key — naming the file and the key
     */
    static ModelConfig load(Path configJson) throws IOException {
        Path file = Files.isDirectory(configJson) ? configJson.resolve(FILE_NAME) : configJson;
        ConfigReader r = ConfigReader.read(file);
        String type = r.requiredString("model_type");
        if (BertConfig.MODEL_TYPES.contains(type)) return BertConfig.from(r, type);
        return switch (type) {
            case DistilBertConfig.MODEL_TYPE -> DistilBertConfig.from(r);
            case MPNetConfig.MODEL_TYPE -> MPNetConfig.from(r);
            case GteConfig.MODEL_TYPE -> GteConfig.from(r);
            case NomicBertConfig.MODEL_TYPE -> NomicBertConfig.from(r);
            case ModernBertConfig.MODEL_TYPE -> ModernBertConfig.from(r);
            case Qwen3Config.MODEL_TYPE -> Qwen3Config.from(r);
            default -> throw new ConfigException(file, "model_type", "unsupported \"" + type + "\"; Javelin supports "
                    + String.join(", ", BertConfig.MODEL_TYPES) + ", " + String.join(", ", DistilBertConfig.MODEL_TYPE,
                    MPNetConfig.MODEL_TYPE, GteConfig.MODEL_TYPE, NomicBertConfig.MODEL_TYPE, ModernBertConfig.MODEL_TYPE,
                    Qwen3Config.MODEL_TYPE));
        };
    }
}

package dev.javelin.io.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** TEMPORARY stand-in for javelin-io's PoolingConfig until it lands on main. */
public record PoolingConfig(Mode mode, boolean normalize) {
    public enum Mode { CLS, MEAN, MAX, LAST_TOKEN }

    public static PoolingConfig load(Path dir) throws IOException {
        Path f = dir.resolve("1_Pooling/config.json");
        if (!Files.isRegularFile(f)) return null;
        ObjectMapper json = new ObjectMapper();
        JsonNode p = json.readTree(f.toFile());
        Mode mode = p.path("pooling_mode_cls_token").asBoolean() ? Mode.CLS : p.path("pooling_mode_max_tokens").asBoolean() ? Mode.MAX
                : p.path("pooling_mode_lasttoken").asBoolean() ? Mode.LAST_TOKEN : Mode.MEAN;
        boolean normalize = false;
        Path modules = dir.resolve("modules.json");
        if (Files.isRegularFile(modules)) {
            for (JsonNode m : json.readTree(modules.toFile())) normalize |= m.path("type").asText().endsWith("Normalize");
        }
        return new PoolingConfig(mode, normalize);
    }
}

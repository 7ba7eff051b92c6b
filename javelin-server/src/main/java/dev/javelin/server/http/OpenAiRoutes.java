package dev.javelin.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.javelin.engine.EmbedOptions;
import dev.javelin.engine.Truncate;
import dev.javelin.server.ServerConfig;
import dev.javelin.server.scheduling.ClientConnection;
import dev.javelin.server.scheduling.Inference;
import dev.javelin.server.scheduling.ServerError;
import dev.javelin.server.scheduling.ServerMetrics;
import dev.javelin.server.scheduling.Timed;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * OpenAI's embeddings API ({@code POST /v1/embeddings}, also at {@code /embeddings} as TEI serves it):
 * {@code input} as a string, strings or token ids, {@code encoding_format} float or base64 (little-endian
 * float32), {@code dimensions}; embeddings are normalised and over-long inputs truncated as configured
 * ({@code --auto-truncate}), as TEI does. Errors take OpenAI's shape with TEI's status codes.
 */
final class OpenAiRoutes implements HttpService {
    private final InferenceRoute route;
    private final ServerConfig config;
    private final ServerMetrics metrics;

    OpenAiRoutes(ModelSlot model, ServerConfig config, ServerMetrics metrics, CompletableFuture<Void> shutdown) {
        this.config = config;
        this.metrics = metrics;
        this.route = new InferenceRoute(model, config.payloadLimit(), metrics, shutdown, this::embeddings,
                InferenceRoute.OPENAI_ERRORS);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/embeddings", route).post("/embeddings", route);
    }

    private InferenceRoute.Reply embeddings(Inference inference, JsonNode body, ClientConnection client) {
        RequestFields.Inputs in = RequestFields.embedInputs(body, "input");
        metrics.requestCount(in.method());
        in.checked(inference, "input");
        boolean base64 = switch (textOr(body, "encoding_format", "float")) {
            case "float" -> false;
            case "base64" -> true;
            default -> throw ServerError.validation("`encoding_format` must be `float` or `base64`");
        };
        Timed<float[][]> out = inference.embed(in.inputs(), new EmbedOptions(config.autoTruncate() ? Truncate.RIGHT : Truncate.NONE,
                true, RequestFields.optionalCount(body, "dimensions")), client);
        List<Map<String, Object>> data = new ArrayList<>(out.value().length);
        for (int i = 0; i < out.value().length; i++) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("object", "embedding");
            item.put("embedding", base64 ? base64(out.value()[i]) : out.value()[i]);
            item.put("index", i);
            data.add(item);
        }
        int tokens = out.timings().tokens();
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("object", "list");
        response.put("data", data);
        response.put("model", TeiRoutes.servedModelName(inference, config));
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("prompt_tokens", tokens);
        usage.put("total_tokens", tokens);
        response.put("usage", usage);
        return new InferenceRoute.Reply(response, out.timings(), in.method());
    }

    private static String textOr(JsonNode body, String field, String fallback) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isTextual()) {
            throw ServerError.validation("`" + field + "` must be a string");
        }
        return node.textValue();
    }

    /** The vector as OpenAI's base64 encoding: little-endian float32 bytes. */
    static String base64(float[] v) {
        ByteBuffer bytes = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(v);
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}

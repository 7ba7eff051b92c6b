package dev.javelin.server.http;

import dev.javelin.server.scheduling.ErrorType;
import dev.javelin.server.scheduling.ServerError;
import dev.javelin.server.scheduling.Timings;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/** Reading JSON request bodies under the payload limit and writing JSON answers, TEI's way. */
final class JsonHttp {
    /** Record components in snake_case, as TEI's JSON fields are named; emoji as UTF-8, not escaped pairs. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    private static final String APPLICATION_JSON = "application/json";
    private static final String RETRY_AFTER_SECONDS = "1";
    private static final HeaderName COMPUTE_TYPE = HeaderNames.create("x-compute-type");
    private static final HeaderName COMPUTE_TIME = HeaderNames.create("x-compute-time");
    private static final HeaderName COMPUTE_CHARACTERS = HeaderNames.create("x-compute-characters");
    private static final HeaderName COMPUTE_TOKENS = HeaderNames.create("x-compute-tokens");
    private static final HeaderName TOTAL_TIME = HeaderNames.create("x-total-time");
    private static final HeaderName TOKENIZATION_TIME = HeaderNames.create("x-tokenization-time");
    private static final HeaderName QUEUE_TIME = HeaderNames.create("x-queue-time");
    private static final HeaderName INFERENCE_TIME = HeaderNames.create("x-inference-time");

    private JsonHttp() {
    }

    /**
     * The request body as JSON. A body over {@code limit} bytes is refused (413) before it is read when
     * its length is declared, else as soon as the limit is crossed; malformed JSON is a validation error.
     */
    static JsonNode readJson(ServerRequest req, long limit) {
        long declared = req.headers().contentLength().orElse(-1);
        if (declared > limit) {
            throw ServerError.payloadTooLarge(limit);
        }
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                throw ServerError.payloadTooLarge(limit);
            }
        } catch (IOException | UncheckedIOException e) {
            throw ServerError.validation("could not read the request body: " + e.getMessage());
        }
        if (body.length == 0) {
            throw ServerError.validation("the request body is empty; expected a JSON object");
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                throw ServerError.validation("the request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ServerError.validation("the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ServerError.validation("could not read the request body: " + e.getMessage());
        }
    }

    /**
     * An error answer. A refusal for overload, and an answer while the model loads, say when to retry
     * ({@code Retry-After}, in seconds), so that well-behaved clients back off instead of spinning.
     */
    static void sendError(ServerResponse res, ServerError e, Object body) {
        if (e.type() == ErrorType.OVERLOADED || e.type() == ErrorType.UNHEALTHY) {
            res.header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        send(res, e.status(), body);
    }

    static void send(ServerResponse res, int status, Object body) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialise a response", e);
        }
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, APPLICATION_JSON);
        res.send(bytes);
    }

    /** TEI's timing headers (milliseconds; stage times are per-input averages). */
    static void timingHeaders(ServerResponse res, Timings t) {
        long totalMillis = TimeUnit.NANOSECONDS.toMillis(t.totalNanos());
        res.header(COMPUTE_TYPE, "cpu");
        res.header(COMPUTE_TIME, Long.toString(totalMillis));
        res.header(COMPUTE_CHARACTERS, Integer.toString(t.chars()));
        res.header(COMPUTE_TOKENS, Integer.toString(t.tokens()));
        res.header(TOTAL_TIME, Long.toString(totalMillis));
        res.header(TOKENIZATION_TIME, Long.toString(TimeUnit.NANOSECONDS.toMillis(t.tokenizationNanos())));
        res.header(QUEUE_TIME, Long.toString(TimeUnit.NANOSECONDS.toMillis(t.queueNanos())));
        res.header(INFERENCE_TIME, Long.toString(TimeUnit.NANOSECONDS.toMillis(t.inferenceNanos())));
    }
}

package dev.javelin.server.http;

import static dev.javelin.server.http.RequestFields.bool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.javelin.engine.EmbedOptions;
import dev.javelin.engine.Label;
import dev.javelin.engine.ModelInfo;
import dev.javelin.engine.Version;
import dev.javelin.engine.PredictOptions;
import dev.javelin.engine.Rank;
import dev.javelin.engine.RerankOptions;
import dev.javelin.engine.ScoreFunction;
import dev.javelin.engine.Truncate;
import dev.javelin.server.ServerConfig;
import dev.javelin.server.scheduling.ErrorType;
import dev.javelin.server.scheduling.Inference;
import dev.javelin.server.scheduling.ServerError;
import dev.javelin.server.scheduling.ServerMetrics;
import dev.javelin.server.scheduling.Timed;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import dev.javelin.engine.Input;
import dev.javelin.server.scheduling.ClientConnection;
import dev.javelin.tokenizers.Encoding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * TEI's HTTP API: the inference routes, tokenization, model info, health and metrics, with TEI's
 * shapes, defaults, status codes and timing headers.
 */
final class TeiRoutes implements HttpService {
    private final ModelSlot model;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final CompletableFuture<Void> shutdown;

    TeiRoutes(ModelSlot model, ServerConfig config, ServerMetrics metrics, CompletableFuture<Void> shutdown) {
        this.model = model;
        this.config = config;
        this.metrics = metrics;
        this.shutdown = shutdown;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/info", this::info)
                .get("/health", this::health)
                .get("/", this::health)
                .get("/ping", this::health)
                .get("/metrics", this::metrics)
                .post("/embed", inferenceRoute(this::embed))
                .post("/embed_all", inferenceRoute(this::embedAll))
                .post("/embed_sparse", inferenceRoute((inference, body, client) -> {
                    throw ServerError.wrongModelType("Model is not an embedding model with SPLADE pooling");
                }))
                .post("/predict", inferenceRoute(this::predict))
                .post("/rerank", inferenceRoute(this::rerank))
                .post("/similarity", inferenceRoute(this::similarity))
                .post("/tokenize", tokenizerRoute(this::tokenize))
                .post("/decode", tokenizerRoute(this::decode));
        // TEI's default route (and SageMaker's) answer with the model's own task.
        InferenceRoute.Work task = (inference, body, client) -> switch (inference.info().kind()) {
            case EMBEDDING -> embed(inference, body, client);
            case CLASSIFIER -> predict(inference, body, client);
            case RERANKER -> rerank(inference, body, client);
        };
        rules.post("/", inferenceRoute(task)).post("/invocations", inferenceRoute(task));
    }

    private InferenceRoute inferenceRoute(InferenceRoute.Work work) {
        return new InferenceRoute(model, config.payloadLimit(), metrics, shutdown, work, InferenceRoute.TEI_ERRORS);
    }

    private Truncate truncate(JsonNode body) {
        return RequestFields.truncate(body, config.autoTruncate());
    }

    private InferenceRoute.Reply embed(Inference inference, JsonNode body, ClientConnection client) {
        RequestFields.Inputs in = counted(RequestFields.embedInputs(body, "inputs")).checked(inference, "inputs");
        Timed<float[][]> out = inference.embed(in.inputs(), new EmbedOptions(truncate(body), bool(body, "normalize", true),
                RequestFields.optionalCount(body, "dimensions"), RequestFields.promptName(body)), client);
        return new InferenceRoute.Reply(out.value(), out.timings(), in.method());
    }

    private InferenceRoute.Reply embedAll(Inference inference, JsonNode body, ClientConnection client) {
        RequestFields.Inputs in = counted(RequestFields.embedInputs(body, "inputs")).checked(inference, "inputs");
        Timed<float[][][]> out = inference.embedAll(in.inputs(), truncate(body), RequestFields.promptName(body), client);
        return new InferenceRoute.Reply(out.value(), out.timings(), in.method());
    }

    private InferenceRoute.Reply predict(Inference inference, JsonNode body, ClientConnection client) {
        RequestFields.Inputs in = counted(RequestFields.predictInputs(body)).checked(inference, "inputs");
        ScoreFunction function = bool(body, "raw_scores", false) ? ScoreFunction.NONE : null;
        Timed<List<List<Label>>> out = inference.predict(in.inputs(), new PredictOptions(truncate(body), function, 0), client);
        return new InferenceRoute.Reply(in.batch() ? out.value() : out.value().getFirst(), out.timings(), in.method());
    }

    private InferenceRoute.Reply rerank(Inference inference, JsonNode body, ClientConnection client) {
        metrics.requestCount("batch");
        String query = RequestFields.string(body, "query");
        List<String> texts = RequestFields.stringList(RequestFields.required(body, "texts"), "texts");
        Timed<List<Rank>> out = inference.rerank(query, texts, new RerankOptions(truncate(body),
                bool(body, "raw_scores", false), bool(body, "return_text", false)), client);
        return new InferenceRoute.Reply(out.value(), out.timings(), "batch");
    }

    private InferenceRoute.Reply similarity(Inference inference, JsonNode body, ClientConnection client) {
        metrics.requestCount("batch");
        JsonNode inputs = RequestFields.required(body, "inputs");
        if (!inputs.isObject()) {
            throw ServerError.validation("`inputs` must be an object with `source_sentence` and `sentences`");
        }
        String source = RequestFields.string(inputs, "source_sentence");
        List<String> sentences = RequestFields.stringList(RequestFields.required(inputs, "sentences"), "sentences");
        JsonNode parameters = body.get("parameters");
        Truncate truncate = config.autoTruncate() ? Truncate.RIGHT : Truncate.NONE;
        String promptName = null;
        if (parameters != null && !parameters.isNull()) {
            if (!parameters.isObject()) {
                throw ServerError.validation("`parameters` must be an object");
            }
            truncate = RequestFields.truncate(parameters, config.autoTruncate());
            promptName = RequestFields.promptName(parameters);
        }
        Timed<float[]> out = inference.similarity(source, sentences, truncate, promptName, client);
        return new InferenceRoute.Reply(out.value(), out.timings(), "batch");
    }

    /** Counts the request as TEI does (single or batch). */
    private RequestFields.Inputs counted(RequestFields.Inputs in) {
        metrics.requestCount(in.method());
        return in;
    }

    /** A route that answers from the tokenizer alone: no permits, no queue, no timing headers. */
    private Handler tokenizerRoute(BiFunction<Inference, JsonNode, Object> work) {
        return (req, res) -> {
            try {
                JsonNode body = JsonHttp.readJson(req, config.payloadLimit());
                JsonHttp.send(res, 200, work.apply(model.get(), body));
            } catch (ServerError e) {
                metrics.requestFailure(e.failureLabel());
                JsonHttp.sendError(res, e, InferenceRoute.TEI_ERRORS.apply(e));
            }
        };
    }

    private Object tokenize(Inference inference, JsonNode body) {
        RequestFields.Inputs in = RequestFields.texts(body, "inputs").checked(inference, "inputs");
        List<String> texts = inference.prompted(in.inputs(), RequestFields.promptName(body)).stream()
                .map(i -> ((Input.Text) i).text()).toList();
        List<Encoding> encodings = inference.tokenize(texts, bool(body, "add_special_tokens", true));
        List<List<SimpleToken>> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            out.add(SimpleToken.of(texts.get(i), encodings.get(i)));
        }
        return out;
    }

    private Object decode(Inference inference, JsonNode body) {
        List<int[]> ids = RequestFields.idLists(body, "ids");
        inference.checkBatchSize(ids.size(), "ids");
        return inference.decode(ids, bool(body, "skip_special_tokens", true));
    }

    private void health(ServerRequest req, ServerResponse res) {
        Inference inference = model.orNull();
        if (inference != null && inference.health()) {
            res.status(Status.OK_200).send();
        } else {
            ServerError unhealthy = new ServerError(ErrorType.UNHEALTHY, inference == null ? "the model is loading" : "unhealthy");
            JsonHttp.sendError(res, unhealthy, InferenceRoute.TEI_ERRORS.apply(unhealthy));
        }
    }

    private void metrics(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        res.send(metrics.scrape());
    }

    private void info(ServerRequest req, ServerResponse res) {
        try {
            JsonHttp.send(res, 200, info(model.get(), config));
        } catch (ServerError e) {
            JsonHttp.sendError(res, e, InferenceRoute.TEI_ERRORS.apply(e));
        }
    }

    /** TEI's /info, plus the settings TEI keeps to its command line. */
    static Map<String, Object> info(Inference inference, ServerConfig c) {
        ModelInfo model = inference.info();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("model_id", model.modelId());
        info.put("model_sha", null);
        info.put("model_dtype", model.dtype());
        info.put("served_model_name", servedModelName(inference, c));
        Map<String, Object> labels = null;
        if (model.predicts()) {
            Map<String, String> id2label = new TreeMap<>();
            Map<String, Integer> label2id = new TreeMap<>();
            for (int id = 0; id < model.numLabels(); id++) {
                id2label.put(Integer.toString(id), model.labels().get(id));
                label2id.put(model.labels().get(id), id);
            }
            labels = new LinkedHashMap<>();
            labels.put("id2label", id2label);
            labels.put("label2id", label2id);
        }
        info.put("model_type", switch (model.kind()) {
            case EMBEDDING -> Map.of("embedding", Map.of("pooling", model.pooling().wireName()));
            case CLASSIFIER -> Map.of("classifier", labels);
            case RERANKER -> Map.of("reranker", labels);
        });
        if (model.embeds() && model.predicts()) {
            // An embedding model that also carries a classification head serves /predict too.
            info.put("classifier", labels);
        }
        info.put("max_concurrent_requests", c.maxConcurrentRequests());
        info.put("max_input_length", model.maxInputLength());
        info.put("max_batch_tokens", inference.batcher().maxTokens());
        info.put("max_batch_requests", inference.batcher().maxInputs() == 0 ? null : inference.batcher().maxInputs());
        info.put("max_client_batch_size", c.maxClientBatchSize());
        info.put("auto_truncate", c.autoTruncate());
        info.put("tokenization_workers", c.effectiveTokenizationWorkers());
        info.put("version", Version.current());
        info.put("sha", null);
        info.put("docker_label", null);
        info.put("hostname", c.hostname());
        info.put("port", c.port());
        info.put("payload_limit", c.payloadLimit());
        info.put("api_key_required", c.apiKey() != null);
        info.put("cors_allow_origin", c.corsAllowOrigin());
        info.put("shutdown_grace_period_s", c.shutdownGracePeriod().toSeconds());
        return info;
    }

    static String servedModelName(Inference inference, ServerConfig config) {
        String name = config.servedModelName();
        return name != null ? name : inference.info().modelId();
    }
}

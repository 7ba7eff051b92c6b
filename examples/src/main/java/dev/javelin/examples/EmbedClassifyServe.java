package dev.javelin.examples;

import dev.javelin.engine.Engine;
import dev.javelin.engine.Label;
import dev.javelin.engine.ModelSpec;
import dev.javelin.engine.Vectors;
import dev.javelin.pipelines.EmbeddingsPipeline;
import dev.javelin.pipelines.Pipelines;
import dev.javelin.pipelines.TextClassificationPipeline;
import dev.javelin.server.InferenceServer;
import dev.javelin.server.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * Javelin inside an application: embeds and classifies a few texts with the embedded default model,
 * then serves it over HTTP in-process and asks the server once. Exits 1 when an answer is wrong, so
 * CI can run it as a test of the published artifacts.
 */
public final class EmbedClassifyServe {
    public static void main(String[] args) throws Exception {
        try (EmbeddingsPipeline embeddings = Pipelines.embeddings()) {
            float[] cat = embeddings.embed("The cat sits on the mat.");
            float[] feline = embeddings.embed("A feline rests on a rug.");
            float[] stocks = embeddings.embed("Stock markets fell today.");
            double related = Vectors.cosine(cat, feline), unrelated = Vectors.cosine(cat, stocks);
            System.out.printf("embed: dim %d, cos(cat, feline) %.4f, cos(cat, stocks) %.4f%n", cat.length, related, unrelated);
            check(cat.length == 384 && related > unrelated + 0.3, "embeddings");
        }
        try (TextClassificationPipeline sentiment = Pipelines.textClassification()) {
            Label good = sentiment.classify("This product is amazing!");
            Label bad = sentiment.classify("Terrible quality, waste of money.");
            System.out.println("classify: " + good + " " + bad);
            check(good.label().equals("POSITIVE") && bad.label().equals("NEGATIVE"), "classification");
        }
        // The server, started and stopped by the application (port 0: any free port).
        try (InferenceServer server = InferenceServer.start(ServerConfig.builder().hostname("127.0.0.1").port(0).build(),
                Engine.load(ModelSpec.DEFAULT))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/predict"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":\"I loved every minute of it\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println("serve: POST /predict -> " + reply.statusCode() + " " + reply.body());
            check(reply.statusCode() == 200 && reply.body().contains("\"POSITIVE\""), "the in-process server");
        }
        System.out.println("ok");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            System.err.println("example: wrong answer from " + what);
            System.exit(1);
        }
    }
}

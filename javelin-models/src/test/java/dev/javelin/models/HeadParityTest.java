package dev.javelin.models;

import static dev.javelin.models.ArchitectureParityTest.fixture;
import static dev.javelin.models.ArchitectureParityTest.floats;
import static dev.javelin.models.ArchitectureParityTest.ints;
import static dev.javelin.models.ArchitectureParityTest.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The sequence-classification heads of the newer architectures against their PyTorch
 * transcriptions (tools/fixtures/heads.py): logits of single texts, a pair, a mixed-length batch
 * (packed here, padded there, which ModernBERT's mean pooling must not see) and a long text, to 1e-4.
 */
class HeadParityTest {

    @ParameterizedTest
    @CsvSource({"mpnet-classifier,MPNetForSequenceClassification,3", "gte-classifier,GteForSequenceClassification,1",
            "modernbert-classifier-mean,ModernBertForSequenceClassification,2",
            "modernbert-classifier-cls,ModernBertForSequenceClassification,1"})
    void logitsMatchThePyTorchTranscription(String name, String head, int labels) throws Exception {
        Path dir = fixture(name);
        JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        try (LoadedModel model = Models.load(dir)) {
            SequenceClassifier classifier = model.classifier();
            assertThat(classifier.getClass().getSimpleName()).isEqualTo(head);
            assertThat(classifier.numLabels()).isEqualTo(labels);
            for (JsonNode c : expected.get("cases")) {
                int[][] ids = ints(c.get("ids")), types = c.get("type_ids").isNull() ? null : ints(c.get("type_ids"));
                Tensor logits = classifier.logits(TokenBatch.of(ids, types), new Workspace());
                for (int s = 0; s < ids.length; s++) {
                    assertThat(maxAbsDiff(logits.slice(0, s, s + 1).toArray(), floats(c.get("logits").get(s))))
                            .as(name + " case " + c.get("name").asText() + " sequence " + s).isLessThanOrEqualTo(1e-4f);
                }
            }
        }
    }
}

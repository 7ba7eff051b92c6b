package dev.javelin.train.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.javelin.pipelines.Pipelines;
import dev.javelin.pipelines.TextClassificationPipeline;
import dev.javelin.train.ClassifierEvaluator;
import dev.javelin.train.data.Columns;
import dev.javelin.train.data.Dataset;
import dev.javelin.train.data.DatasetReader;
import dev.javelin.train.data.LabelMapping;
import dev.javelin.train.metrics.ClassificationMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The built-in sentiment model (the SST-2 LoRA adapter shipped in javelin-pipelines, made by the
 * command in docs/training.md, applied unmerged over the embedded all-MiniLM-L6-v2) keeps the
 * accuracy it was trained to: at least 88% on SST-2 dev, which the adapter's run never saw (no
 * validation set was given, so no epoch was chosen on it).
 */
class SentimentAdapterTest {

    @Test
    void builtInSentimentModelReachesItsDevAccuracy() throws Exception {
        Path dev = sst2Dev();
        try (TextClassificationPipeline pipeline = Pipelines.textClassification()) {
            Dataset data = Dataset.forModel(dev, DatasetReader.read(dev, Columns.detect()), LabelMapping.parse("0=NEGATIVE,1=POSITIVE"),
                    pipeline.info().labels());
            ClassificationMetrics metrics = ClassifierEvaluator.evaluate(pipeline, data, false);
            assertThat(metrics.total()).isEqualTo(872);
            // 773 of 872 when the adapter was made (88.65%); 88% is the bar.
            assertThat(metrics.accuracy()).isGreaterThanOrEqualTo(0.88);
        }
    }

    private static Path sst2Dev() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("shared/datasets/sst2/dev.tsv"))) dir = dir.getParent();
        assertThat(dir).as("shared/datasets/sst2/dev.tsv above the working directory").isNotNull();
        return dir.resolve("shared/datasets/sst2/dev.tsv");
    }
}

import dev.javelin.engine.Vectors;
import dev.javelin.pipelines.EmbeddingsPipeline;
import dev.javelin.pipelines.Pipelines;
import dev.javelin.pipelines.TextClassificationPipeline;
import java.util.List;

/**
 * The README's Java tour. After {@code ./javelin --help} (which builds), from the repository root:
 * {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
 * -cp "$(cat javelin-cli/target/classpath.txt)" docs/examples/Tour.java}
 */
public class Tour {
    public static void main(String[] args) throws Exception {
        try (EmbeddingsPipeline embeddings = Pipelines.embeddings()) {              // the embedded all-MiniLM-L6-v2
            float[][] v = embeddings.embed(List.of("The cat sits on the mat.", "A feline rests on a rug.", "Stock markets fell today."));
            System.out.printf("dim %d, cos(cat, feline) = %.4f, cos(cat, stocks) = %.4f%n",
                    v[0].length, Vectors.cosine(v[0], v[1]), Vectors.cosine(v[0], v[2]));
        }
        try (TextClassificationPipeline sentiment = Pipelines.textClassification()) { // its SST-2 adapter
            System.out.println(sentiment.classify(List.of("This product is amazing!", "Terrible quality, waste of money."), 1, null));
        }
    }
}

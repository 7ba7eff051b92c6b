package dev.javelin.train.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.models.LoadedModel;
import dev.javelin.models.Models;
import dev.javelin.models.PeftLora;
import dev.javelin.models.TokenBatch;
import dev.javelin.nn.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PEFT-layout adapter (PEFT's tensor names and adapter_config.json fields, from
 * {@code tools/fixtures/tiny_bert_gradients.py}) loaded as a model directory over its base: LoRA
 * applied unmerged gives the logits of the merged model and of PyTorch's LoRA forward pass.
 */
class PeftAdapterLoadingTest {
    private static Path fixtures;
    private static TokenBatch batch;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readInputs() throws Exception {
        fixtures = Path.of(PeftAdapterLoadingTest.class.getResource("/fixtures/tiny-bert/inputs.json").toURI()).getParent();
        JsonNode in = new ObjectMapper().readTree(fixtures.resolve("inputs.json").toFile());
        int[] ids = ints(in.get("ids")), types = ints(in.get("type_ids")), lengths = ints(in.get("lengths"));
        int[][] seqIds = new int[lengths.length][], seqTypes = new int[lengths.length][];
        for (int s = 0, at = 0; s < lengths.length; at += lengths[s++]) {
            seqIds[s] = java.util.Arrays.copyOfRange(ids, at, at + lengths[s]);
            seqTypes[s] = java.util.Arrays.copyOfRange(types, at, at + lengths[s]);
        }
        batch = TokenBatch.of(seqIds, seqTypes);
    }

    /**
     * Bounds: PyTorch computed in float64 from the same float32 weights, so Javelin's float32 passes
     * differ by rounding only (~1e-6 relative over a few layers); merged and unmerged differ only in
     * where s·B·A is rounded. 1e-5 relative leaves an order of magnitude for that, and a wrong scale
     * or a missing module moves the logits by far more.
     */
    @Test
    void adapterDirectoryLoadsOverItsBaseWithTheMergedLogits() throws Exception {
        Path adapter = adapterOver(fixtures.resolve("base").toAbsolutePath().toString());
        Path merged = tmp.resolve("merged");
        PeftLora.merge(fixtures.resolve("base"), adapter, merged, Map.of(0, "L0", 1, "L1", 2, "L2"));
        float[] unmerged = logits(adapter), reference = logits(merged);
        try (SafeTensors expected = SafeTensors.open(fixtures.resolve("expected.safetensors"))) {
            float[] torch = expected.tensor("lora/logits").toArray();
            assertThat(maxRelative(unmerged, torch)).isLessThan(1e-5);
            assertThat(maxRelative(unmerged, reference)).isLessThan(1e-5);
        }
        try (LoadedModel m = Models.load(adapter)) {
            // the base encoder embeds; the adapted one, beside it, classifies
            assertThat(m.classifier().encoder()).isNotSameAs(m.encoder());
            assertThat(m.directory()).isEqualTo(fixtures.resolve("base").toAbsolutePath());
        }
    }

    @Test
    void anAdapterThatDoesNotFitItsBaseIsRefusedByName() throws Exception {
        Path noBase = adapterOver(tmp.resolve("absent").toString());
        assertThatThrownBy(() -> Models.load(noBase)).hasMessageContaining("absent");
        Path adapter = adapterOver(fixtures.resolve("base").toAbsolutePath().toString());
        ObjectNode cfg = (ObjectNode) new ObjectMapper().readTree(adapter.resolve(PeftLora.CONFIG).toFile());
        Files.writeString(adapter.resolve(PeftLora.CONFIG), cfg.put("r", 8).toString());
        assertThatThrownBy(() -> Models.load(adapter)).hasMessageContaining("r = 8 needs [8, in] and [out, 8]");
        Files.writeString(adapter.resolve(PeftLora.CONFIG), cfg.put("r", 4).put("use_dora", true).toString());
        assertThatThrownBy(() -> Models.load(adapter)).hasMessageContaining("DoRA adapters (use_dora) are not supported");
    }

    /** The fixture's adapter with base_model_name_or_path pointing at {@code base}. */
    private Path adapterOver(String base) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "adapter");
        Files.copy(fixtures.resolve("adapter").resolve(PeftLora.WEIGHTS), dir.resolve(PeftLora.WEIGHTS));
        ObjectNode cfg = (ObjectNode) new ObjectMapper().readTree(fixtures.resolve("adapter").resolve(PeftLora.CONFIG).toFile());
        Files.writeString(dir.resolve(PeftLora.CONFIG), cfg.put("base_model_name_or_path", base).toString());
        return dir;
    }

    private static float[] logits(Path model) throws Exception {
        try (LoadedModel m = Models.load(model)) {
            Workspace ws = new Workspace();
            return m.classifier().logits(batch, ws).toArray();
        }
    }

    private static double maxRelative(float[] got, float[] want) {
        double scale = 0, worst = 0;
        for (float w : want) scale = Math.max(scale, Math.abs(w));
        for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
        return worst / scale;
    }

    private static int[] ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
    }
}

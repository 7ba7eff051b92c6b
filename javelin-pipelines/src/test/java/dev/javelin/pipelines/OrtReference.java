package dev.javelin.pipelines;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.javelin.tokenizers.Encoding;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** ONNX Runtime running a reference graph on padded batches of the same token ids Javelin gets. */
final class OrtReference implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OrtReference(byte[] model) throws OrtException {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            session = env.createSession(model, opts);
        }
    }

    /** Output {@code name} for the batch padded to its longest sequence: [batch][padded length · width] rows. */
    float[][][] run(List<Encoding> batch, String name) throws OrtException {
        int b = batch.size(), len = batch.stream().mapToInt(Encoding::length).max().orElseThrow();
        long[] ids = new long[b * len], mask = new long[b * len], types = new long[b * len], positions = new long[b * len];
        for (int s = 0; s < b; s++) {
            Encoding e = batch.get(s);
            for (int t = 0; t < len; t++) {
                positions[s * len + t] = t;
                if (t < e.length()) {
                    ids[s * len + t] = e.ids()[t];
                    mask[s * len + t] = e.attentionMask()[t];
                    types[s * len + t] = e.typeIds()[t];
                }
            }
        }
        long[] shape = {b, len};
        Set<String> inputs = session.getInputNames();
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            feed.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            feed.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (inputs.contains("token_type_ids")) feed.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
            if (inputs.contains("position_ids")) feed.put("position_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(positions), shape));
            try (OrtSession.Result r = session.run(feed, Set.of(name))) {
                OnnxTensor out = (OnnxTensor) r.get(name).orElseThrow();
                long[] dims = out.getInfo().getShape();
                FloatBuffer fb = out.getFloatBuffer();
                int rows = dims.length == 3 ? (int) dims[1] : 1, width = (int) dims[dims.length - 1];
                float[][][] result = new float[b][rows][width];
                for (int s = 0; s < b; s++) for (int t = 0; t < rows; t++) fb.get((s * rows + t) * width, result[s][t]);
                return result;
            }
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}

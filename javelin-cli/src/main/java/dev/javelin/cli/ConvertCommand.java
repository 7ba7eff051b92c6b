package dev.javelin.cli;

import dev.javelin.onnx.ImportedEncoder;
import dev.javelin.onnx.OnnxConverter;
import dev.javelin.onnx.OnnxGraph;
import dev.javelin.onnx.SentenceTransformerModules;
import dev.javelin.engine.Pooling;
import dev.javelin.io.source.PoolingConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Imports a BERT, DistilBERT or RoBERTa/XLM-R ONNX export (also after ONNX Runtime's optimizers)",
                "into a Hugging Face model directory:",
                "config.json inferred from the graph, model.safetensors under Hugging Face names, tokenizer.json,",
                "and the sentence-transformers pooling modules."})
public final class ConvertCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX export (output last_hidden_state).")
    Path onnx;

    @Option(names = "--tokenizer", required = true, paramLabel = "tokenizer.json", description = "The model's tokenizer.json.")
    Path tokenizer;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to create (must not exist or be empty).")
    Path out;

    @Option(names = "--pooling", defaultValue = "mean",
            description = "Sentence pooling the model was trained with: mean (all-MiniLM, e5), cls (bge), max, last-token (default: ${DEFAULT-VALUE}).")
    String pooling;

    @Option(names = "--normalize", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Add sentence-transformers' Normalize module (default: on; --no-normalize for raw vectors).")
    boolean normalize;

    @Option(names = "--max-seq-length", defaultValue = "0", paramLabel = "N",
            description = {"sentence-transformers' max_seq_length, from the model's sentence_bert_config.json (e.g. 256 for",
                    "all-MiniLM-L6-v2); default: the tokenizer's truncation length, else the model's positions."})
    int maxSeqLength;

    @Option(names = "--dynamic-activations",
            description = {"For an ONNX Runtime dynamic-quantization export (MatMulInteger): also quantize each linear layer's",
                    "input at run time as ORT's DynamicQuantizeLinear does, reproducing ORT's outputs (slower; without it the",
                    "int8 weights run on F32 activations, which is closer to the F32 model)."})
    boolean dynamicActivations;

    @Override
    public Integer call() {
        return JsonLines.run(spec, () -> {
            PoolingConfig.Mode mode = PoolingConfig.Mode.valueOf(Pooling.parse(pooling).name());
            ImportedEncoder enc = OnnxConverter.convert(OnnxGraph.read(onnx), tokenizer, out,
                    new SentenceTransformerModules(mode, normalize, maxSeqLength, false), dynamicActivations);
            spec.commandLine().getOut().printf("%s: %s, %d layers, hidden %d, %d heads, intermediate %d, vocab %d, %d positions, %d weights → %s%n",
                    onnx.getFileName(), enc.family(), enc.numHiddenLayers(), enc.hiddenSize(), enc.numAttentionHeads(), enc.intermediateSize(),
                    enc.vocabSize(), enc.maxPositionEmbeddings(), enc.weights().size(), out);
            return 0;
        });
    }
}

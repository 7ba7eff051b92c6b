# Sourced by ./javelin and the distribution's bin/javelin: javelin_jvm_options ARGS... sets JAVA_OPTS to
# the JVM options the command line ARGS (the CLI's own) needs, so both launchers size a job alike.
# The heap is sized for the job, not left at the JVM's default of a quarter of RAM (G1 then grows it
# far past what it needs: `serve` sat at ~900 MB). The engine keeps its packed weights on the heap
# (the micro-kernel streams them from float[]) and its activations off it, so a model needs about
# 1.25x the weight bytes it holds plus a fixed ~160 MB for the tokenizer, the server and garbage;
# `serve` 96 MB (below). JAVELIN_HEAP (e.g. 2g) overrides.
model_mb() { # MB of weight files of the model named by --model in "$@" (90 for the embedded default; 0 if unknown)
  local model="" next=0 a dir
  for a in "$@"; do
    if [ "$next" = 1 ]; then model="$a"; next=0; fi
    case "$a" in --model) next=1 ;; --model=*) model="${a#--model=}" ;; esac
  done
  [ -n "$model" ] || { echo 90; return; }
  dir="$model"
  [ -e "$dir" ] || dir="${HF_HUB_CACHE:-${HF_HOME:-$HOME/.cache/huggingface}/hub}/models--${model//\//--}"
  [ -e "$dir" ] || { echo 0; return; }
  if [ -f "$dir/adapter_config.json" ]; then # a PEFT adapter: the heap holds its base's weights
    local base
    base=$(sed -n 's/.*"base_model_name_or_path" *: *"\([^"]*\)".*/\1/p' "$dir/adapter_config.json" | head -n1)
    case "$base" in /*) ;; *) [ -d "$dir/$base" ] && base="$dir/$base" ;; esac
    model_mb --model "$base"
    return
  fi
  find -L "$dir" \( -name '*.safetensors' -o -name '*.onnx' -o -name '*.bin' \) -printf '%s\n' 2>/dev/null |
    awk '{ s += $1 } END { printf "%d\n", s / 1048576 }'
}
weight_dtype() { # the --dtype in "$@" (serve also reads DTYPE); empty if none
  local d="" next=0 a
  [ "${1:-}" = serve ] && d="${DTYPE:-}"
  for a in "$@"; do
    if [ "$next" = 1 ]; then d="$a"; next=0; fi
    case "$a" in --dtype) next=1 ;; --dtype=*) d="${a#--dtype=}" ;; esac
  done
  echo "$d"
}
javelin_jvm_options() {
  local heap mb fixed budget_flag="" tokens=16384 next=0 a
  if [ -n "${JAVELIN_HEAP:-}" ]; then
    heap="$JAVELIN_HEAP"
  elif [ "${1:-}" = bench ]; then
    heap=2g # the encoder benchmark holds Javelin and ONNX Runtime models in one JVM
  else
    mb=$(model_mb "$@")
    # int8 / bf16 hold a quarter / half of an F32 checkpoint's weight bytes (an already narrowed
    # checkpoint is then under-counted by a few MB, well inside the fixed part)
    case "$(weight_dtype "$@")" in
      int8|INT8) mb=$((mb / 4)) ;;
      bf16|BF16) mb=$((mb / 2)) ;;
    esac
    # serve: all of the heap was resident, because G1 grows it to the cap while the JIT warms up (1-3
    # GB/s of boxed vectors for ~15 s) and does not give it back under load, though a warm server
    # allocates ~30 MB/s and keeps 80-105 MB live for all-MiniLM-L6-v2 (GC log under `bench serve`).
    # 64 MB less cut its RSS by as much, with no change in throughput (docs/performance.md).
    fixed=160
    [ "${1:-}" = serve ] && fixed=96
    if [ "${mb:-0}" -gt 0 ]; then heap="$((fixed + mb * 5 / 4))m"; else heap=1g; fi
  fi
  # A server starts with its whole heap: growing it from 32 MB while the model's ~90 MB of weights
  # arrived ran 16 young pauses and 6 concurrent marks before healthy (-Xlog:gc), ~0.3 s of CPU on
  # two cores that the load and the JIT needed (second cold start 0.2 s faster). Under load G1 grows a
  # server's heap to its cap anyway; only pages the heap touches count in RSS.
  local initial=32m
  [ "${1:-}" = serve ] && initial="$heap"
  JAVA_OPTS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED "-Xms$initial" "-Xmx$heap")
  # C2 strip-mines counted loops only under G1 (and ZGC, Shenandoah). The JVM picks SerialGC by itself
  # with one CPU or under 1792 MB (a small container), and there the AVX2 micro-kernel spilled four
  # accumulators to the stack: all-MiniLM-L6-v2 on one CPU ran b32x128 at 9.4-10.3 sentences/s against
  # 13.1-15.0 with these flags (G1's own defaults, so they change nothing under G1; docs/kernels.md).
  # Passing them, the launcher spares the engine its check of them (~400 classes, ~40 ms of a cold start).
  JAVA_OPTS+=(-XX:+UseCountedLoopSafepoints -XX:LoopStripMiningIter=1000 -Djavelin.jit.check=false)
  # The kernels reach the JIT 20x sooner than other code: interpreted, a Vector API kernel runs ~1000x
  # slower than compiled, so a first forward pass spent ~0.4 s there before C1 even compiled its tile.
  [ "${1:-}" = bench ] || JAVA_OPTS+=(-XX:CompileCommand=quiet
    "-XX:CompileCommand=CompileThresholdScaling,dev.javelin.kernels.*::*,0.05")
  # A server's start-up runs much code once (picocli, Helidon, Jackson, the loader): at the default
  # thresholds the JIT compiled ~2,000 methods with C1 and ~240 with C2 before healthy, on the same two
  # cores as the load and the warm-up pass. Four times the thresholds (the kernels' scaling above is
  # relative to it, so they compile at a fifth of the default) cut ~0.35 s of CPU and ~0.2 s from a
  # second cold start, with the warm-up pass still ending on C2 code (`bench serve` ran at full speed
  # from its first round: docs/server.md#cold-start).
  # The warm-up pass calls each tile a few hundred times, each call looping K (384) times: the loop's
  # back-edges reached C2's on-stack-replacement threshold long before the calls reached its
  # invocation threshold, and C2 compiled the tile twice (-XX:+PrintCompilation, JFR jdk.Compilation):
  # first for OSR (334 ms of C2, 60 KB of code), then as a method (128 ms, 14 KB), while the pass ran
  # on C1's boxed vectors. A higher OSR threshold leaves the tile to its one compile as a method, which
  # the pass reaches a third of the way in (second cold start 2.48 -> 1.87 s, docs/server.md#cold-start).
  [ "${1:-}" = serve ] && JAVA_OPTS+=(-XX:CompileThresholdScaling=4 -XX:Tier4BackEdgeThreshold=1000000)
  # Every command fills a forward pass up to a token budget (16384, the engine's default; batch and
  # serve take --batch-tokens / --max-batch-tokens), and a pass's activations live off the heap, beyond
  # the JVM's default cap on native memory (the heap's size): MiniLM peaked at 339 MB at 16384 tokens,
  # so a full batch of long texts failed (and `eval` on SST-2 dev, whose 872 sentences fill one pass).
  # Allow 64 KiB a token. (The pass's Workspace now allocates from explicit arenas, which the cap does
  # not count; automatic arenas, such as training's parameters, still count.)
  case "${1:-}" in
    batch) budget_flag=--batch-tokens ;;
    serve) budget_flag=--max-batch-tokens tokens="${MAX_BATCH_TOKENS:-16384}" ;;
  esac
  if [ -n "$budget_flag" ]; then
    for a in "$@"; do
      if [ "$next" = 1 ]; then tokens="$a"; next=0; fi
      case "$a" in "$budget_flag") next=1 ;; "$budget_flag"=*) tokens="${a#"$budget_flag"=}" ;; esac
    done
  fi
  if [[ "$tokens" =~ ^[0-9]+$ ]]; then JAVA_OPTS+=("-XX:MaxDirectMemorySize=$((tokens / 16 + 64))m"); fi
  # A server lives long under load, and its RSS grew to ~480 MB while ~90 MB of heap was live (NMT,
  # jcmd System.map): glibc kept ~70 MB of native memory freed by the JIT's arenas and by outgrown
  # activation buffers (one malloc_trim gave it back), and G1 grew the heap to its cap to keep up with
  # the request path's garbage. The native heap is trimmed every 5 s.
  [ "${1:-}" = serve ] && JAVA_OPTS+=(-XX:TrimNativeHeapInterval=5000)
  return 0
}

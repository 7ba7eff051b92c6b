"""One NumPy or PyTorch row of `javelin bench matmul`: n x n FP32 matmul, JSON lines on stdout.

Usage: matmul_peer.py numpy|pytorch N THREADS
Warms up, checks the product, answers {"ready": ..., "blas": ...}; then answers every stdin line
"run SECONDS" with the times of the products run for that long and the CPU time the process
used meanwhile (all threads); at end of input answers the peak
resident memory and exits.

The thread count is set through the environment by the caller (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS,
...) before any BLAS loads, and again through torch.set_num_threads for PyTorch. The BLAS library
reported is the one actually mapped into this process after the product ran, read from
/proc/self/maps, with its own thread count where the library can tell.
"""
import ctypes
import json
import os
import sys
import time

WARMUP_SECONDS = 1.5
WARMUP_MIN_RUNS = 5
BLAS_HINTS = ("openblas", "libblas", "mkl", "blis", "libflame", "atlas", "accelerate", "libdnnl")


def peak_rss_mb():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def loaded_blas():
    """Paths of BLAS-like shared objects mapped into this process, in load order."""
    seen = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split()
                if len(parts) < 6:
                    continue
                path = parts[-1]
                name = os.path.basename(path).lower()
                if any(h in name for h in BLAS_HINTS) and path not in seen:
                    seen.append(path)
    except OSError:
        pass
    return seen


def openblas_call(lib, name, restype):
    """Calls OpenBLAS's `name` under the plain or the scipy-openblas (NumPy 2.x wheels) symbol name."""
    for symbol in (name, "scipy_" + name + "64_", name + "64_"):
        try:
            f = getattr(lib, symbol)
        except AttributeError:
            continue
        f.restype = restype
        return f()
    return None


def describe_blas(paths):
    """A human name for the BLAS really used, its own thread count and, for OpenBLAS, the kernel
    (core type) it picked for this CPU; None where unknown."""
    for path in paths:
        if "openblas" in os.path.basename(path).lower():
            try:
                lib = ctypes.CDLL(path)
            except OSError:
                return os.path.basename(path), None, None
            config = openblas_call(lib, "openblas_get_config", ctypes.c_char_p)
            threads = openblas_call(lib, "openblas_get_num_threads", ctypes.c_int)
            core = openblas_call(lib, "openblas_get_corename", ctypes.c_char_p)
            name = config.decode() if config else "OpenBLAS"
            return "%s [%s]" % (name, os.path.basename(path)), threads, core.decode() if core else None
    for path in paths:
        name = os.path.basename(path).lower()
        if "mkl" in name:
            return "Intel MKL [%s]" % os.path.basename(path), None, None
        if "blis" in name:
            return "BLIS [%s]" % os.path.basename(path), None, None
    if paths:
        return "reference BLAS? [%s]" % ", ".join(os.path.basename(p) for p in paths), None, None
    return "built-in (no BLAS library mapped)", None, None


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    impl, n, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    try:
        import numpy as np
    except ImportError as e:
        emit({"error": "numpy is not installed (%s)" % e})
        return
    rng = np.random.default_rng(n)
    a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    if impl == "numpy":
        version = "NumPy " + np.__version__
        run = lambda: a @ b
        framework_threads = None
    elif impl == "pytorch":
        try:
            import torch
        except ImportError as e:
            emit({"error": "torch is not installed (%s)" % e})
            return
        torch.set_num_threads(threads)
        version = "PyTorch " + torch.__version__
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        run = lambda: torch.mm(ta, tb)
        framework_threads = torch.get_num_threads()
    else:
        emit({"error": "unknown implementation " + impl})
        return

    runs, t0 = 0, time.perf_counter()
    while runs < WARMUP_MIN_RUNS or time.perf_counter() - t0 < WARMUP_SECONDS:
        c = run()
        runs += 1

    # a wrong product must never be reported as a speed
    c = np.asarray(c, dtype=np.float64)
    exact = a.astype(np.float64)[:8] @ b.astype(np.float64)
    bound = (n + 1) * 2.0 ** -24 * (np.abs(a[:8]).astype(np.float64) @ np.abs(b).astype(np.float64))
    if not np.all(np.abs(c[:8] - exact) <= bound):
        emit({"error": impl + " computed a wrong product"})
        return

    blas, blas_threads, blas_kernel = describe_blas(loaded_blas())
    emit({"ready": True, "version": version, "blas": blas, "blas_threads": blas_threads, "blas_kernel": blas_kernel,
          "framework_threads": framework_threads})
    for line in sys.stdin:
        cmd = line.split()
        if len(cmd) != 2 or cmd[0] != "run":
            emit({"error": "unknown command: " + line.strip()})
            return
        budget, times, start, cpu0 = float(cmd[1]), [], time.perf_counter(), time.process_time()
        while True:
            s = time.perf_counter()
            run()
            times.append(time.perf_counter() - s)
            if time.perf_counter() - start >= budget:
                break
        emit({"times": times, "cpu_seconds": time.process_time() - cpu0})
    emit({"peak_rss_mb": peak_rss_mb()})


if __name__ == "__main__":
    main()

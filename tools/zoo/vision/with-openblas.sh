#!/bin/sh
# Debian's python3-torch calls the reference BLAS (BLAS_INFO=generic, ~1.4 GFLOPS here); OpenBLAS
# is ~15x faster. Use it for this process only, without changing the system's alternatives:
#   tools/zoo/vision/with-openblas.sh /usr/bin/python3 tools/zoo/vision/train_clip.py
set -e
root="$(cd "$(dirname "$0")/../../.." && pwd)"
dir="$root/.zoo-data/openblas"
lib="$dir/root/usr/lib/x86_64-linux-gnu/openblas-pthread"
if [ ! -e "$lib/libblas.so.3" ]; then
  mkdir -p "$dir"
  (cd "$dir" && apt-get download libopenblas0-pthread && dpkg-deb -x libopenblas0-pthread_*.deb root)
fi
export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
# OpenBLAS picks its kernels from the CPU model; this machine's virtual CPU ("Intel Xeon Processor") is not one it
# knows, so it falls back to "Prescott" (SSE3): 19 GFLOPS on a 2892x128x128 sgemm, against 123 with the AVX-512
# kernels the CPU has (6x; a video-model training step 3.1x faster). Name the core from the CPU's flags instead.
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
  flags="$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)"
  case "$flags" in
    *avx512f*avx512dq*avx512bw*avx512vl*) export OPENBLAS_CORETYPE=SkylakeX ;;
    *avx2*) case "$flags" in *fma*) export OPENBLAS_CORETYPE=Haswell ;; esac ;;
  esac
fi
exec "$@"

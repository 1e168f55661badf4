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
exec "$@"

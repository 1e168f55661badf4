#!/usr/bin/env bash
# On the GPU machine, after every chunk went through tools/gpu/receive.sh: joins and checks the archive, unpacks it in
# /tmp/gpubench, lists any CUDA library the provider cannot find, then runs GpuBench (CUDA check, then CPU vs CUDA
# throughput). Extra arguments go to GpuBench (e.g. --strict, --batches 1,8,32,64).
# GPUBENCH_TMP=DIR moves /tmp (the CPU-side round-trip check uses it).
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=${GPUBENCH_TMP:-/tmp}
chunks=$tmp/gpubench-chunks
expected=$(grep -c ' chunks/' artifacts/gpu/SHA256SUMS)
have=$(ls "$chunks" 2>/dev/null | wc -l)
[ "$have" = "$expected" ] || { echo "join: $have of $expected chunks in $chunks; send the others with tools/gpu/receive.sh" >&2; exit 1; }
cat "$chunks"/gpubench.tar.gz.* > "$tmp/gpubench.tar.gz"
want=$(grep ' gpubench.tar.gz$' artifacts/gpu/SHA256SUMS | cut -d' ' -f1)
[ "$(sha256sum "$tmp/gpubench.tar.gz" | cut -d' ' -f1)" = "$want" ] || { echo "join: the joined archive does not match SHA256SUMS" >&2; exit 1; }
rm -rf "$tmp/gpubench"; tar -C "$tmp" -xzf "$tmp/gpubench.tar.gz"
(cd "$tmp/gpubench" && sha256sum -c PROVIDER.sha256)
echo "join: archive ok, unpacked in $tmp/gpubench"
if [ "${GPUBENCH_JOIN_ONLY:-0}" = 1 ]; then exit 0; fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || echo "join: nvidia-smi not found"
missing=$(cd "$tmp/gpubench" && LD_LIBRARY_PATH=. ldd ./libonnxruntime_providers_cuda.so | grep 'not found' || true)
if [ -n "$missing" ]; then
  echo "join: the CUDA provider cannot find these libraries (CUDA 12 / cuDNN 9 runtime must be on the machine):"
  echo "$missing"
fi
cd "$tmp/gpubench" && LD_LIBRARY_PATH=".:${LD_LIBRARY_PATH:-}" ./GpuBench "$@"

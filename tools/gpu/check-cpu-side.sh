#!/usr/bin/env bash
# What can be checked without a GPU: the self-contained publish and packing work, the chunks go through receive.sh and
# join-and-run.sh byte-exact (every chunk and the joined archive against SHA256SUMS, the CUDA provider against the NuGet
# package's own file), and the unpacked program runs its CPU half.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tools/gpu/pack.sh
export GPUBENCH_TMP; GPUBENCH_TMP=$(mktemp -d)
trap 'rm -rf "$GPUBENCH_TMP"' EXIT
for chunk in artifacts/gpu/chunks/*; do bash tools/gpu/receive.sh "$chunk"; done
GPUBENCH_JOIN_ONLY=1 bash tools/gpu/join-and-run.sh
nuget=$(find ~/.nuget/packages/microsoft.ml.onnxruntime.gpu.linux/1.31.0 -name libonnxruntime_providers_cuda.so | head -1)
cmp "$nuget" "$GPUBENCH_TMP/gpubench/libonnxruntime_providers_cuda.so" && echo "check: the provider is byte-identical to $nuget"
"$GPUBENCH_TMP/gpubench/GpuBench" --providers cpu --batches 1,4 --seconds 2
echo "check: cpu side ok"

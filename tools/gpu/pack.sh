#!/usr/bin/env bash
# Builds what the GPU check needs and cuts it into pieces one `run` command can carry (issue 22):
#   artifacts/gpu/chunks/gpubench.tar.gz.NN   (48 MiB each)   the self-contained linux-x64 GpuBench with ONNX Runtime's
#                                                             CUDA provider (libonnxruntime_providers_cuda.so, 271 MB)
#   artifacts/gpu/SHA256SUMS                                  of every chunk and of the whole archive
# The GPU machine has no .NET and no network; tools/gpu/receive.sh and tools/gpu/join-and-run.sh put it back together
# there (docs/bench/gpu.md has the exact commands).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=artifacts/gpu
rm -rf "$out"; mkdir -p "$out/chunks"
dotnet publish tools/gpu/GpuBench/GpuBench.csproj -c Release -r linux-x64 --self-contained -o "$out/gpubench" -p:UseAppHost=true -v q -nologo
# The TensorRT provider is not used; the CUDA provider must be there (the NuGet package puts it beside the program).
rm -f "$out/gpubench/libonnxruntime_providers_tensorrt.so"
[ -f "$out/gpubench/libonnxruntime_providers_cuda.so" ] || { echo "pack: libonnxruntime_providers_cuda.so is not in the publish output" >&2; exit 1; }
sha256sum "$out/gpubench/libonnxruntime_providers_cuda.so" | sed "s|$out/gpubench/||" > "$out/gpubench/PROVIDER.sha256"
tar -C "$out" -cf - gpubench | gzip -6 > "$out/gpubench.tar.gz"
split -b 48M -d -a 2 "$out/gpubench.tar.gz" "$out/chunks/gpubench.tar.gz."
(cd "$out" && sha256sum gpubench.tar.gz chunks/* > SHA256SUMS)
rm "$out/gpubench.tar.gz"
ls -l "$out/chunks"
echo "pack: $(ls "$out/chunks" | wc -l) chunks; send each with tools/gpu/receive.sh, then run tools/gpu/join-and-run.sh (docs/bench/gpu.md)"

#!/usr/bin/env bash
# End-to-end vision throughput, the SDK against transformers.js, in one run on the same model folders and files.
#
#   tools/bench/vision.sh [--images DIR] [--count N] [--rounds R] [--out DIR] [--no-build]
#
# Zero-shot classification (40 labels, template 'a photo of a {label}') at batch 1, 8 and 32 in images/s, greedy
# captioning (max 24 new tokens) in captions/s, both through each library's public pipeline API; then the SDK's
# per-stage times. Needs the .NET SDK and Node with tools/zoo/node_modules (cd tools/zoo && npm ci).
# Writes dotnet.json and node.json to --out (default: a temp folder) and prints the comparison.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
images="$root/tests/fixtures/Vision/shapes-s2027"
count=96
rounds=3
out=""
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --images) images="$2"; shift 2 ;;
    --count) count="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || out="$(mktemp -d)"
mkdir -p "$out"
cd "$root"
if [ "$build" = 1 ]; then
  dotnet build benchmarks/Multimodal.Sdk.Benchmarks -c Release -v q -nologo >&2
fi
echo "load before: $(uptime)" | tee "$out/load.txt" >&2
dotnet run -c Release --no-build --project benchmarks/Multimodal.Sdk.Benchmarks -- vision-e2e \
  --images "$images" --count "$count" --rounds "$rounds" > "$out/dotnet.json"
echo "load between: $(uptime)" | tee -a "$out/load.txt" >&2
node tools/bench/vision.mjs --images "$images" --count "$count" --rounds "$rounds" > "$out/node.json"
echo "load after: $(uptime)" | tee -a "$out/load.txt" >&2
node tools/bench/compare.mjs "$out/dotnet.json" "$out/node.json"
echo "raw results: $out" >&2

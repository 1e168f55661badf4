#!/usr/bin/env bash
# OCR throughput, the SDK's OcrReader against @gutenye/ocr-node, in one run on the same PP-OCRv4 graphs and images.
#
#   tools/bench/ocr.sh [--rounds R] [--out DIR] [--no-build] [IMAGE...]   (default: every image of tests/fixtures/ocr)
#
# Three timed passes after one warm-up pass each: the SDK with the folder's settings (PaddleOCR's pipeline, direction
# classifier on), the SDK with ocr-node's settings (ocr_config.ocr-node.json: no classifier, one line per recognizer
# call: the same work as ocr-node), and ocr-node itself (tools/ocr/reference.mjs --repeat). Prints images/s, the
# ratios, and the SDK's share of time per stage. Needs tools/fetch-test-assets.sh (tools/ocr/node_modules, pp-ocrv4).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rounds=3
out=""
build=1
images=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) images+=("$1"); shift ;;
  esac
done
cd "$root"
[ ${#images[@]} -gt 0 ] || images=(tests/fixtures/ocr/*.png tests/fixtures/ocr/*.jpg)
[ -n "$out" ] || out="$(mktemp -d)"
mkdir -p "$out"
if [ "$build" = 1 ]; then
  dotnet build benchmarks/Multimodal.Sdk.Benchmarks -c Release -v q -nologo >&2
fi
run_sdk() {
  dotnet run -c Release --no-build --project benchmarks/Multimodal.Sdk.Benchmarks -- ocr-e2e --config "$1" --rounds "$rounds" "${images[@]}"
}
echo "load before: $(uptime)" | tee "$out/load.txt" >&2
run_sdk ocr_config.json > "$out/sdk.json"
echo "load: $(uptime)" | tee -a "$out/load.txt" >&2
node tools/ocr/reference.mjs --repeat "$rounds" "${images[@]}" > "$out/ocr-node.json"
echo "load: $(uptime)" | tee -a "$out/load.txt" >&2
run_sdk ocr_config.ocr-node.json > "$out/sdk-ocr-node-settings.json"
echo "load after: $(uptime)" | tee -a "$out/load.txt" >&2
node -e '
const [sdk, node, same] = process.argv.slice(1).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")))
const pct = (x) => (100 * x).toFixed(0) + "%"
console.log(`images: ${sdk.images} x ${sdk.rounds} rounds`)
console.log(`SDK (PaddleOCR settings)      ${sdk.images_per_s.toFixed(2)} images/s   ${(sdk.images_per_s / node.images_per_s).toFixed(2)}x ocr-node`)
console.log(`SDK (ocr-node settings)       ${same.images_per_s.toFixed(2)} images/s   ${(same.images_per_s / node.images_per_s).toFixed(2)}x ocr-node`)
console.log(`@gutenye/ocr-node 1.4.8       ${node.images_per_s.toFixed(2)} images/s`)
// CPU time (all threads) per image: what a busy machine distorts least (spinning ONNX Runtime threads count on both sides).
console.log(`CPU s/image: SDK ${sdk.cpu_s_per_image.toFixed(3)} (${(node.cpu_s_per_image / sdk.cpu_s_per_image).toFixed(2)}x less than ocr-node), SDK with ocr-node settings ${same.cpu_s_per_image.toFixed(3)}, ocr-node ${node.cpu_s_per_image.toFixed(3)}`)
for (const [name, r] of [["PaddleOCR settings", sdk], ["ocr-node settings", same]]) {
  const s = r.share
  console.log(`SDK time share (${name}): detection ${pct(s.detection)}, recognition ${pct(s.recognition)}, classification ${pct(s.classification)}, post-processing ${pct(s.post_processing)}, decode ${pct(s.decode)}`)
}
' "$out/sdk.json" "$out/ocr-node.json" "$out/sdk-ocr-node-settings.json"
echo "raw results: $out" >&2

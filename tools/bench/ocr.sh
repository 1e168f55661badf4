#!/usr/bin/env bash
# OCR throughput, the SDK's OcrReader against @gutenye/ocr-node, in one run on the same PP-OCRv4 graphs and images.
#
#   tools/bench/ocr.sh [--rounds R] [--repeat N] [--out DIR] [--no-build] [--no-spin] [IMAGE...]   (default: every image of tests/fixtures/ocr)
#
# Three pipelines, each a process that reads the images once to warm up and then R times timed: the SDK with the
# folder's settings (PaddleOCR's pipeline, direction classifier on), the SDK with ocr-node's settings
# (ocr_config.ocr-node.json: no classifier, one line per recognizer call: the same work as ocr-node), and ocr-node
# itself (tools/ocr/reference.mjs --repeat). The three are interleaved N times (SDK, ocr-node, SDK with ocr-node's
# settings, SDK, ...) so that a machine whose load drifts treats them alike; the ratios printed are the medians of the
# N per-repetition ratios, with each repetition's shown. Also prints CPU seconds per image (all threads), which a busy
# machine distorts less, and the SDK's share of time per stage. Needs tools/fetch-test-assets.sh (tools/ocr/node_modules, pp-ocrv4).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rounds=1
repeat=3
out=""
build=1
images=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-spin) export MM_OCR_SPIN=0; shift ;;
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
for n in $(seq 1 "$repeat"); do
  run_sdk ocr_config.json > "$out/sdk.$n.json"
  echo "load: $(uptime)" | tee -a "$out/load.txt" >&2
  node tools/ocr/reference.mjs --repeat "$rounds" "${images[@]}" > "$out/ocr-node.$n.json"
  echo "load: $(uptime)" | tee -a "$out/load.txt" >&2
  run_sdk ocr_config.ocr-node.json > "$out/sdk-ocr-node-settings.$n.json"
  echo "load: $(uptime)" | tee -a "$out/load.txt" >&2
done
node -e '
const fs = require("fs")
const [dir, n] = [process.argv[1], Number(process.argv[2])]
const load = (name, i) => JSON.parse(fs.readFileSync(`${dir}/${name}.${i}.json`, "utf8"))
const runs = Array.from({ length: n }, (_, k) => ({ sdk: load("sdk", k + 1), node: load("ocr-node", k + 1), same: load("sdk-ocr-node-settings", k + 1) }))
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2 }
const pct = (x) => (100 * x).toFixed(0) + "%"
const list = (f) => runs.map(f).map((x) => x.toFixed(2)).join(", ")
console.log(`images: ${runs[0].sdk.images} x ${runs[0].sdk.rounds} rounds, ${n} interleaved repetitions`)
console.log(`SDK (PaddleOCR settings)   images/s ${list((r) => r.sdk.images_per_s)}   vs ocr-node: median ${median(runs.map((r) => r.sdk.images_per_s / r.node.images_per_s)).toFixed(2)}x (${list((r) => r.sdk.images_per_s / r.node.images_per_s)})`)
console.log(`SDK (ocr-node settings)    images/s ${list((r) => r.same.images_per_s)}   vs ocr-node: median ${median(runs.map((r) => r.same.images_per_s / r.node.images_per_s)).toFixed(2)}x (${list((r) => r.same.images_per_s / r.node.images_per_s)})`)
console.log(`@gutenye/ocr-node 1.4.8    images/s ${list((r) => r.node.images_per_s)}`)
// CPU time (all threads) per image: what a busy machine distorts least (spinning ONNX Runtime threads count on both sides).
console.log(`CPU s/image (median): SDK ${median(runs.map((r) => r.sdk.cpu_s_per_image)).toFixed(3)}, SDK with ocr-node settings ${median(runs.map((r) => r.same.cpu_s_per_image)).toFixed(3)}, ocr-node ${median(runs.map((r) => r.node.cpu_s_per_image)).toFixed(3)}`)
for (const [name, key] of [["PaddleOCR settings", "sdk"], ["ocr-node settings", "same"]]) {
  const s = runs[runs.length - 1][key].share
  console.log(`SDK time share (${name}, last repetition): detection ${pct(s.detection)}, recognition ${pct(s.recognition)}, classification ${pct(s.classification)}, post-processing ${pct(s.post_processing)}, decode ${pct(s.decode)}`)
}
' "$out" "$repeat"
echo "raw results: $out" >&2

#!/usr/bin/env bash
# Speed and held-out accuracy of the zoo models' precisions in one run (issue 24, models/README.md "Precisions"):
#   1. copies models/tiny-{clip,captioner,vlm,whisper} to $WORK/models and writes their _quantized (int8) and _fp16
#      variants beside the fp32 graphs (tools/precisions/make_precisions.py);
#   2. generates held-out inputs: shapes world --seed 1001 (the vision models' held-out seed) and speech world short
#      clips --seed 4242 (tiny-whisper's held-out seed);
#   3. runs tools/bench/precisions (public API, MultimodalOptions.PreferredPrecisions = one precision, one thread per
#      pipeline): the same inputs through fp32, _quantized and _fp16 in rotating order, the score of each and its time
#      against fp32 in this run.
# Usage: tools/bench/precisions.sh [--images N] [--clips N] [--work DIR]   (--work reuses that folder's inputs)
# Needs: /usr/bin/python3 with numpy, onnx and Pillow, espeak-ng and sox, the .NET SDK. Prints a markdown table;
# $WORK/results.md and $WORK/results.json keep it.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
IMAGES=200 CLIPS=60 WORK=""
while [ $# -gt 0 ]; do
  case "$1" in
    --images) IMAGES=$2; shift 2 ;;
    --clips) CLIPS=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
WORK=${WORK:-$(mktemp -d /tmp/precisions-bench.XXXXXX)}
mkdir -p "$WORK/models"
echo "work folder: $WORK; load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
for m in tiny-clip tiny-captioner tiny-vlm tiny-whisper; do
  rm -rf "$WORK/models/$m" && cp -r "models/$m" "$WORK/models/$m"
done
$PY tools/precisions/make_precisions.py "$WORK"/models/tiny-{clip,captioner,vlm,whisper} >&2
[ -f "$WORK/shapes/labels.jsonl" ] && [ "$(wc -l < "$WORK/shapes/labels.jsonl")" -ge "$IMAGES" ] \
  || $PY tools/zoo/shapes.py --seed 1001 --count "$IMAGES" --out "$WORK/shapes" >&2
[ -f "$WORK/speech/labels.jsonl" ] && [ "$(wc -l < "$WORK/speech/labels.jsonl")" -ge "$CLIPS" ] \
  || $PY tools/zoo/speech.py --seed 4242 --count "$CLIPS" --out "$WORK/speech" >&2
dotnet build tools/bench/precisions -c Release -o "$WORK/bin" -v q -nologo >&2
dotnet "$WORK/bin/PrecisionsBench.dll" --models "$WORK/models" --shapes "$WORK/shapes" --speech "$WORK/speech" \
  --images "$IMAGES" --clips "$CLIPS" > "$WORK/out.txt"
grep -v '^\[' "$WORK/out.txt" | tee "$WORK/results.md"
grep '^\[' "$WORK/out.txt" > "$WORK/results.json"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

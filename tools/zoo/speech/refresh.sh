#!/usr/bin/env bash
# After a speech retrain: export tiny-whisper from CKPT and regenerate every committed file that holds its
# outputs: models/tiny-whisper/ (ONNX, configs, eval.json), tests/fixtures/speech/expected.json and
# tests/fixtures/speech/heldout-9090.json.
#
#   tools/zoo/speech/refresh.sh CKPT [TRAIN_DEVICE]      e.g. .zoo-data/speech/cpu2/model.pt
#
# Generates the held-out sets when missing (seed 4242 for eval.json, seed 9090 for the C# proof tests), then runs
# PyTorch and ONNX (onnxruntime-node) evaluations, export parity and transformers.js side by side, two at a time.
# Needs /usr/bin/python3 (torch, numpy, onnx), espeak-ng, sox, node with tools/zoo/node_modules. Logs and raw
# results: .zoo-data/speech/results/. CPU only: 3 minutes on 2 cores once the held-out sets exist (2026-11-28). Never run in CI.
set -euo pipefail
cd "$(dirname "$0")/../../.."
ck="${1:?usage: refresh.sh CKPT [TRAIN_DEVICE]}"
device="${2:-2 CPU cores, tools/zoo/speech/train_cpu.sh}"
P=/usr/bin/python3
R=.zoo-data/speech/results
E=.zoo-data/speech/eval
H=.zoo-data/heldout-9090
mkdir -p "$R"
gen() {  # seed dir: the short, no-speech and long-form sets eval.py reads
  local seed=$1 dir=$2 short=$3 nospeech=$4 long=$5
  [ -e "$dir/long/labels.jsonl" ] && return 0
  $P tools/zoo/speech.py --seed "$seed" --count "$short" --out "$dir/short"
  $P tools/zoo/speech.py --seed "$seed" --count "$nospeech" --nospeech --out "$dir/nospeech"
  $P tools/zoo/speech.py --seed "$seed" --count "$long" --long --out "$dir/long"
}
gen 4242 "$E" 400 100 20
gen 9090 "$H" 120 30 4
[ -e "$H/long-gaps/labels.jsonl" ] || $P tools/zoo/speech.py --seed 9090 --count 4 --long --speech-gaps --out "$H/long-gaps"
echo "== export models/tiny-whisper from $ck"
$P tools/zoo/speech/export.py --ckpt "$ck" --out models/tiny-whisper > "$R/export.log" 2>&1
echo "== evaluations (logs in $R)"
( $P tools/zoo/speech/eval.py --backend torch --data "$E" --ckpt "$ck" --out "$R/eval_torch.json" > "$R/eval_torch.log" 2>&1
  node tools/zoo/node/speech.mjs models/tiny-whisper tests/fixtures/speech "$E" "$R/eval_torch.json" "$R/eval_js.json" \
    > "$R/eval_js.log" 2>&1 ) &
( $P tools/zoo/speech/eval.py --backend onnx --data "$E" --ckpt "$ck" --out "$R/eval_onnx.json" > "$R/eval_onnx.log" 2>&1
  $P tools/zoo/speech/parity.py --data "$E" --ckpt "$ck" --out "$R/parity.json" > "$R/parity.log" 2>&1
  $P tools/zoo/speech/eval.py --backend torch --data "$H" --ckpt "$ck" --out "$R/heldout_torch.json" > "$R/heldout.log" 2>&1
  $P tools/zoo/speech/heldout.py --eval "$R/heldout_torch.json" --data "$H" --ckpt "$ck" >> "$R/heldout.log" 2>&1
  $P tools/zoo/speech/fixtures.py --out tests/fixtures/speech --expected-from "$ck" > "$R/fixtures.log" 2>&1 ) &
wait
$P tools/zoo/speech/collect.py --torch "$R/eval_torch.json" --onnx "$R/eval_onnx.json" --parity "$R/parity.json" \
  --js "$R/eval_js.json" --train "$ck" --train-device "$device" --out models/tiny-whisper/eval.json > "$R/collect.log"
tail -n 3 "$R/heldout.log"
$P -c "import json; e = json.load(open('models/tiny-whisper/eval.json')); print(json.dumps({k: e[k] for k in ('pytorch', 'onnx', 'parity')}, indent=1))"

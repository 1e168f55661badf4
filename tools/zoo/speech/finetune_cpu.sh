#!/usr/bin/env bash
# Fine-tunes the committed tiny-whisper on this 2-core machine when the training world widens (session 16: pauses
# measured speech to speech, which train_cpu.sh's long-form windows never made, and the rare word `sixty`), instead
# of training from nothing (train_cpu.sh, 88 minutes): the weights are recovered from models/tiny-whisper by
# from_onnx.py (exact: re-exported, every initializer equal), the CTC head is left out (it is not exported), and a
# short cosine schedule at a third of the original peak rate runs over --minutes; the mean of the checkpoints of the
# schedule's second half is written to OUT/model_avg.pt, the weights to export (tools/zoo/speech/refresh.sh).
#   tools/zoo/speech/finetune_cpu.sh [OUT=.zoo-data/speech/ft] [TRAIN_MINUTES=45]
# Resumable: rerun the same command. Needs what train_cpu.sh needs, plus python3-onnx. Never run in CI.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
out="${1:-$root/.zoo-data/speech/ft}"
minutes="${2:-45}"
pool="$root/.zoo-data/speech/pool.npz"
mkdir -p "$out"
t0=$(date +%s)
[ -e "$pool" ] || /usr/bin/python3 "$root/tools/zoo/speech/pool.py" --seed 1000 --count 8000 --workers 2 --out "$pool"
[ -e "$out/init.pt" ] || /usr/bin/python3 "$root/tools/zoo/speech/from_onnx.py" --model-dir "$root/models/tiny-whisper" --out "$out/init.pt"
export OMP_WAIT_POLICY=PASSIVE
# --speech-gaps 0.5: half the long-form windows keep the old composition (gaps of 0.5..3.5 s between speech), half
# have 0.3..3 s from speech to speech; --rare-floor 60: `sixty` (12 pool utterances) drawn 5x as often
"$root/tools/zoo/vision/with-openblas.sh" /usr/bin/python3 "$root/tools/zoo/speech/train.py" \
  --pool "$pool" --out "$out" --init "$out/init.pt" --device cpu --threads 2 --workers 1 \
  --stride 4 --d-model 128 --enc-layers 4 --dec-layers 2 --heads 4 \
  --batch 32 --lr 3e-4 --warmup 100 --mix 0.5,0.4,0.1 --ts-grid 2 --ctc-weight 0 \
  --speech-gaps 0.5 --rare-floor 60 --snapshots-from 0.5 --ckpt-every 100 --minutes "$minutes"
/usr/bin/python3 "$root/tools/zoo/speech/average.py" --out "$out/model_avg.pt" "$out"/snap[0-9]*.pt
echo "fine-tune: $(( $(date +%s) - t0 )) s wall"

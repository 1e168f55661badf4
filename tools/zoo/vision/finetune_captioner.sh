#!/usr/bin/env bash
# Fine-tunes the committed tiny-captioner on this 2-core machine when the shapes world widens (session 17: the
# independent check found its captions weak on plus signs of other arm widths, fat stars and gray backgrounds,
# tools/independent-check/shapes), instead of training from nothing (55 minutes, and its checkpoint is gone):
# - the weights are recovered from models/tiny-captioner by from_onnx_captioner.py (exact: re-exported, every
#   initializer of the four graphs equal);
# - the whole model trains, the encoder included (the gray gap is in the encoder; this ViT copy lives only in the
#   captioner's ONNX files: tiny-clip and tiny-vlm keep their own), on 12,000 default images (the start of the original
#   training set, replayed so the default world is not forgotten) and 12,000 of `shapes.py --variety` (seed 7);
# - a short cosine schedule at a quarter of the original peak rate, fixed seed, one thread, checkpoint every 200 steps.
# Evaluates (held-out seed 1001, PyTorch and ONNX) and exports to OUT/export; land it with
#   tools/zoo/vision/refresh.sh OUT captioner
# after comparing both folders with tools/zoo/vision/outside_check.py --task caption.
#   tools/zoo/vision/finetune_captioner.sh [OUT=.zoo-data/cap-ft] [STEPS=3000]
# Resumable: rerun the same command. Never run in CI.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
out="${1:-$root/.zoo-data/cap-ft}"
steps="${2:-3000}"
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
py="$root/tools/zoo/vision/with-openblas.sh nice -n 5 /usr/bin/python3"
mkdir -p "$out"
t0=$(date +%s)
[ -e "$out/init.pt.npz" ] || $py "$root/tools/zoo/vision/from_onnx_captioner.py" --out "$out/init.pt"
$py "$root/tools/zoo/vision/train_captioner.py" --init "$out/init.pt" --ckpt "$out/tiny-captioner.pt" \
  --out "$out/export" --train-count 12000 --variety-count 12000 --variety-seed 7 \
  --steps "$steps" --batch 128 --lr 5e-4 --warmup 100 --threads 1 --workers 1
echo "fine-tune: $(( $(date +%s) - t0 )) s wall"

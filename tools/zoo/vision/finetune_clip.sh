#!/usr/bin/env bash
# Fine-tunes the committed tiny-clip on this 2-core machine when the shapes world widens (session 16: the independent
# check found plus signs of other arm widths, fat stars and gray backgrounds weaker, tools/independent-check/shapes),
# instead of training from nothing (55 minutes and the captioner's checkpoint, which is gone):
# - the weights are recovered from models/tiny-clip by from_onnx.py (exact: re-exported, every initializer equal);
# - the ViT stays frozen as it is (it is the captioner's encoder, shared with tiny-vlm); the head block, the text
#   tower and both projections train on 12,000 default images (the start of the original training set, replayed so
#   the default world is not forgotten) and 12,000 of `shapes.py --variety` (seed 7);
# - a short cosine schedule at a quarter of the original peak rate, fixed seed, checkpoint every 200 steps.
# Evaluates (held-out seed 1001, PyTorch and ONNX) and exports to OUT/export; land it with
#   tools/zoo/vision/refresh.sh OUT clip
# after comparing both folders with tools/zoo/vision/outside_check.py.
#   tools/zoo/vision/finetune_clip.sh [OUT=.zoo-data/clip-ft] [STEPS=1600]
# Resumable: rerun the same command. Never run in CI.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
out="${1:-$root/.zoo-data/clip-ft}"
steps="${2:-1600}"
py="$root/tools/zoo/vision/with-openblas.sh /usr/bin/python3"
mkdir -p "$out"
t0=$(date +%s)
[ -e "$out/init.pt.npz" ] || $py "$root/tools/zoo/vision/from_onnx.py" --out "$out/init.pt"
export OMP_WAIT_POLICY=PASSIVE
$py "$root/tools/zoo/vision/train_clip.py" --init "$out/init.pt" --ckpt "$out/tiny-clip.pt" --out "$out/export" \
  --train-count 12000 --variety-count 12000 --variety-seed 7 \
  --steps "$steps" --batch 256 --lr 5e-4 --warmup 100 --threads 2 --workers 2
echo "fine-tune: $(( $(date +%s) - t0 )) s wall"

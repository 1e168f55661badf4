#!/usr/bin/env bash
# Fine-tunes the committed tiny-vlm on this 2-core machine for the shapes world's other crosses, stars and gray
# backgrounds (session 17: the independent check, tools/independent-check/shapes, found "what shape is the {colour}
# object?" at 69-77% on thin/thick plus signs and gray scenes weaker), as finetune_clip.sh did for tiny-clip:
# - the weights are recovered from models/tiny-vlm by from_onnx_vlm.py (exact: re-exported, every initializer equal;
#   the ViT comes from tiny-vlm's own vision_encoder.onnx, no captioner checkpoint needed);
# - the whole model trains, the ViT included (the gray gap is the encoder's; this copy of the captioner's encoder
#   lives only in tiny-vlm's vision_encoder.onnx, so tiny-clip and tiny-captioner are unaffected), on 12,000 default
#   images (the start of the original training set, replayed so the default world is not forgotten) and 12,000 of
#   `shapes.py --variety` (seed 7); every step's images go through the ViT (no cached tokens);
# - a short cosine schedule at a quarter of the original peak rate (2e-3), fixed seed, checkpoint every 200 steps,
#   one thread (nice -n 5).
# Evaluates (held-out seed 1001, PyTorch and ONNX) and exports to OUT/export; land it with
#   tools/zoo/vision/refresh.sh OUT vlm
# after comparing both folders with tools/zoo/vision/outside_check.py --task ask.
#   tools/zoo/vision/finetune_vlm.sh [OUT=.zoo-data/vlm-ft] [STEPS=1600]
# Resumable: rerun the same command. Never run in CI.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
out="$(mkdir -p "${1:-$root/.zoo-data/vlm-ft}" && cd "${1:-$root/.zoo-data/vlm-ft}" && pwd)"
steps="${2:-1600}"
py="nice -n 5 $root/tools/zoo/vision/with-openblas.sh /usr/bin/python3"
t0=$(date +%s)
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
[ -e "$out/init.pt.npz" ] || $py "$root/tools/zoo/vision/from_onnx_vlm.py" --out "$out/init.pt"
$py "$root/tools/zoo/vision/train_vlm.py" --init "$out/init.pt" --train-vit --ckpt "$out/tiny-vlm.pt" \
  --out "$out/export" --train-count 12000 --variety-count 12000 --variety-seed 7 \
  --steps "$steps" --batch 48 --questions 4 --lr 5e-4 --warmup 100 --threads 1 --workers 1
echo "fine-tune: $(( $(date +%s) - t0 )) s wall"

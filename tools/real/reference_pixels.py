#!/usr/bin/env python3
"""The Python reference's pixel_values for the parity images (issue 24): what transformers' CLIPImageProcessor and
ViTImageProcessor do with Pillow for a kit's preprocessor_config.json (resize with its `resample`, shortest edge +
center crop or a fixed size, rescale, normalize), and Idefics3ImageProcessor's splitting (longest edge, multiples of
the tile, row-major tiles + the global image, each resize a Pillow resize of the 8-bit image before it). tools/real/transformersjs.mjs feeds these to transformers.js, so its
outputs can be compared with the SDK's (which preprocesses as Pillow does) within 1e-4, apart from transformers.js'
own resize (sharp), whose difference docs/model-folders.md records.

    /usr/bin/python3 tools/real/reference_pixels.py KIT_DIR OUT_DIR IMAGE ...

Writes OUT_DIR/<image>.f32 (float32, [3, H, W]; Idefics3: [tiles + 1, 3, S, S]) and OUT_DIR/manifest.json (the
shapes; for Idefics3 also "grid": the tile rows and columns per image). Needs numpy and Pillow.
"""
import json
import math
import os
import sys

import numpy as np
from PIL import Image


MAX_IMAGE_SIZE = 4096  # transformers' idefics3 MAX_IMAGE_SIZE


def normalize(image, pre):
    x = np.asarray(image, dtype=np.float32) * np.float32(pre.get("rescale_factor", 1 / 255))
    x = (x - np.asarray(pre.get("image_mean", [0.5] * 3), dtype=np.float32)) / np.asarray(pre.get("image_std", [0.5] * 3), dtype=np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1), dtype=np.float32)


def idefics3_size(h, w, longest):
    """get_resize_output_image_size: _resize_output_size_rescale_to_max_len, then _scale_below_upper_bound."""
    aspect = w / h
    if w >= h:
        w = longest
        h = int(w / aspect)
        h += h % 2
    else:
        h = longest
        w = int(h * aspect)
        w += w % 2
    h, w = max(h, 1), max(w, 1)
    aspect = w / h
    if w >= h and w > MAX_IMAGE_SIZE:
        w = MAX_IMAGE_SIZE
        h = int(w / aspect)
    elif h > w and h > MAX_IMAGE_SIZE:
        h = MAX_IMAGE_SIZE
        w = int(h * aspect)
    return max(h, 1), max(w, 1)


def idefics3(path, pre):
    image = Image.open(path).convert("RGB")
    resample = pre.get("resample", 1)
    tile = pre.get("max_image_size", {}).get("longest_edge", 364)
    if pre.get("do_resize", True):
        h, w = idefics3_size(image.height, image.width, pre.get("size", {}).get("longest_edge", 4 * 364))
        image = image.resize((w, h), resample=resample)
    frames, rows, cols = [], 0, 0
    if pre.get("do_image_splitting", True):
        # resize_for_vision_encoder
        h, w = image.height, image.width
        aspect = w / h
        if w >= h:
            w = math.ceil(w / tile) * tile
            h = math.ceil(int(w / aspect) / tile) * tile
        else:
            h = math.ceil(h / tile) * tile
            w = math.ceil(int(h * aspect) / tile) * tile
        image = image.resize((w, h), resample=resample)
        if h > tile or w > tile:
            rows, cols = math.ceil(h / tile), math.ceil(w / tile)
            oh, ow = math.ceil(h / rows), math.ceil(w / cols)
            for r in range(rows):
                for c in range(cols):
                    frames.append(image.crop((c * ow, r * oh, min(c * ow + ow, w), min(r * oh + oh, h))))
            image = image.resize((tile, tile), resample=resample)
    else:
        image = image.resize((tile, tile), resample=resample)
    frames.append(image)
    return np.stack([normalize(f, pre) for f in frames]), [rows, cols]


def preprocess(path, pre):
    image = Image.open(path).convert("RGB")
    resample = pre.get("resample", 3)
    size = pre["size"]
    if "shortest_edge" in size:
        short = size["shortest_edge"]
        w, h = image.size
        # transformers' get_resize_output_image_size(default_to_square=False): the long side is truncated
        (nw, nh) = (short, int(short * h / w)) if w <= h else (int(short * w / h), short)
        image = image.resize((nw, nh), resample=resample)
    else:
        image = image.resize((size["width"], size["height"]), resample=resample)
    if pre.get("do_center_crop"):
        crop = pre["crop_size"]
        w, h = image.size
        top, left = (h - crop["height"]) // 2, (w - crop["width"]) // 2
        image = image.crop((left, top, left + crop["width"], top + crop["height"]))
    x = np.asarray(image, dtype=np.float32) * np.float32(pre.get("rescale_factor", 1 / 255))
    x = (x - np.asarray(pre["image_mean"], dtype=np.float32)) / np.asarray(pre["image_std"], dtype=np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1), dtype=np.float32)


def main():
    kit, out, images = sys.argv[1], sys.argv[2], sys.argv[3:]
    pre = json.load(open(os.path.join(kit, "preprocessor_config.json")))
    os.makedirs(out, exist_ok=True)
    manifest = {}
    for path in images:
        name = os.path.basename(path)
        if pre.get("image_processor_type") == "Idefics3ImageProcessor":
            x, grid = idefics3(path, pre)
            manifest.setdefault("grid", {})[name] = grid
        else:
            x = preprocess(path, pre)
        x.tofile(os.path.join(out, name + ".f32"))
        manifest[name] = list(x.shape)
    json.dump(manifest, open(os.path.join(out, "manifest.json"), "w"))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Times the Python reference pipeline (Pillow resize + numpy rescale/normalize, CLIPImageProcessor's steps as
re-stated in images.py) on the benchmark photo, for comparison with benchmarks/.../Imaging.

    /usr/bin/python3 tools/reference/bench_images.py

transformers' CLIPImageProcessor adds its own overhead (validation, dict conversions, BatchFeature) on top
of these steps, so these timings are a lower bound for it.
"""
import os
import statistics
import sys
import timeit

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import images  # noqa: E402

path = os.path.join(images.OUT, "bench_coffee_640x480.jpg")
cfg = images.clip_cfg()
with Image.open(path) as im:
    decoded = im.convert("RGB")
    decoded.load()


def decode():
    with Image.open(path) as im:
        return im.convert("RGB")


def preprocess_pixels():
    return images.preprocess(decoded, cfg)


def end_to_end():
    with Image.open(path) as im:
        return images.preprocess(im, cfg)


for name, fn in [("decode JPEG 640x480", decode), ("preprocess pixels -> [3,224,224]", preprocess_pixels),
                 ("JPEG -> [3,224,224]", end_to_end)]:
    runs = timeit.repeat(fn, number=20, repeat=15)
    per = [r / 20 * 1e6 for r in runs]
    print(f"{name}: median {statistics.median(per):.0f} us, min {min(per):.0f} us  (Pillow {Image.__version__}, numpy {np.__version__})")

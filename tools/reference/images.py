#!/usr/bin/python3
"""Reference data for the image preprocessing tests (tests/fixtures/Imaging/).

Run with Debian's Python (numpy + Pillow; transformers is NOT needed):

    /usr/bin/python3 tools/reference/images.py

The pipeline below re-states, step by step, what transformers' CLIPImageProcessor / ViTImageProcessor
(`image_processing_clip.py`, `image_transforms.py`, `image_utils.load_image`) do to a PIL image:

  load_image:    ImageOps.exif_transpose, then convert("RGB")
  resize:        numpy uint8 HWC -> PIL.Image.fromarray -> Image.resize((w, h), resample, reducing_gap=None)
                 -> numpy uint8 (uint8 input is not rescaled by to_pil_image)
  shortest edge: get_resize_output_image_size(default_to_square=False):
                 new_long = int(size * long / short)
  center_crop:   top = (h - ch) // 2, left = (w - cw) // 2; zero padding when the image is smaller
  rescale:       (image.astype(float64) * rescale_factor).astype(float32)
  normalize:     (image - mean) / std with mean, std as float32 arrays
  layout:        HWC -> CHW

Everything is written as float32 little-endian .bin (pixel_values) or raw uint8 RGB .bin (decoder and
resize outputs), described by manifest.json. Outputs are deterministic (seeded synthetic images).
"""

import io
import json
import math
import os
import sys

import numpy as np
from PIL import Image, ImageOps

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fixtures", "Imaging")
SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data"

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]


# --------------------------------------------------------------------------- transformers' steps

def resize_output_size_shortest_edge(height, width, size):
    short, long = (width, height) if width <= height else (height, width)
    new_short, new_long = size, int(size * long / short)
    return (new_long, new_short) if width <= height else (new_short, new_long)


def center_crop_hwc(image, crop_h, crop_w):
    h, w = image.shape[:2]
    top = (h - crop_h) // 2
    bottom = top + crop_h
    left = (w - crop_w) // 2
    right = left + crop_w
    if top >= 0 and bottom <= h and left >= 0 and right <= w:
        return image[top:bottom, left:right]
    new_h, new_w = max(crop_h, h), max(crop_w, w)
    padded = np.zeros((new_h, new_w) + image.shape[2:], dtype=image.dtype)
    top_pad = math.ceil((new_h - h) / 2)
    left_pad = math.ceil((new_w - w) / 2)
    padded[top_pad:top_pad + h, left_pad:left_pad + w] = image
    top += top_pad
    bottom += top_pad
    left += left_pad
    right += left_pad
    return padded[max(0, top):min(new_h, bottom), max(0, left):min(new_w, right)]


def preprocess(pil_image, cfg):
    """cfg uses preprocessor_config.json field names, so the C# test parses the same dict."""
    image = ImageOps.exif_transpose(pil_image).convert("RGB")
    arr = np.array(image)
    if cfg.get("do_resize", True):
        size = cfg["size"]
        h, w = arr.shape[:2]
        if "shortest_edge" in size:
            new_h, new_w = resize_output_size_shortest_edge(h, w, size["shortest_edge"])
        else:
            new_h, new_w = size["height"], size["width"]
        arr = np.array(Image.fromarray(arr).resize((new_w, new_h), resample=cfg["resample"], reducing_gap=None))
    if cfg.get("do_center_crop", False):
        crop = cfg["crop_size"]
        arr = center_crop_hwc(arr, crop["height"], crop["width"])
    out = arr
    if cfg.get("do_rescale", True):
        out = (out.astype(np.float64) * cfg.get("rescale_factor", 1 / 255)).astype(np.float32)
    if cfg.get("do_normalize", True):
        out = out.astype(np.float32)
        mean = np.array(cfg["image_mean"], dtype=out.dtype)
        std = np.array(cfg["image_std"], dtype=out.dtype)
        out = (out - mean) / std
    return np.ascontiguousarray(out.astype(np.float32).transpose(2, 0, 1))


def clip_cfg(edge=224, crop=224):
    return {
        "image_processor_type": "CLIPImageProcessor",
        "do_resize": True, "size": {"shortest_edge": edge}, "resample": 3,
        "do_center_crop": True, "crop_size": {"height": crop, "width": crop},
        "do_rescale": True, "rescale_factor": 1 / 255,
        "do_normalize": True, "image_mean": CLIP_MEAN, "image_std": CLIP_STD,
        "do_convert_rgb": True,
    }


def vit_cfg(h, w, resample=2):
    return {
        "image_processor_type": "ViTImageProcessor",
        "do_resize": True, "size": {"height": h, "width": w}, "resample": resample,
        "do_rescale": True, "rescale_factor": 1 / 255,
        "do_normalize": True, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5],
    }


# --------------------------------------------------------------------------- synthetic images

def synthetic(w, h, seed):
    """Smooth gradients + sharp edges + noise: bicubic/lanczos overshoot and clipping get exercised."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 127 + 120 * np.sin(x / max(w, 1) * 6.1 + seed)
    g = 255.0 * (y / max(h - 1, 1))
    b = np.where(((x // 3) + (y // 5)) % 2 == 0, 250.0, 5.0)
    img = np.stack([r, g, b], axis=-1) + rng.normal(0, 18, (h, w, 3))
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


# --------------------------------------------------------------------------- writers

manifest = {"generator": "tools/reference/images.py", "pillow": Image.__version__, "numpy": np.__version__,
            "preprocess": [], "resize": [], "decode": [], "benchmark": None}


def write(name, data):
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(data)
    return name


def save_png(name, arr_or_image):
    image = arr_or_image if isinstance(arr_or_image, Image.Image) else Image.fromarray(arr_or_image)
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return write(name, buf.getvalue())


def add_preprocess(name, input_file, cfg, kind):
    with Image.open(os.path.join(OUT, input_file)) as im:
        values = preprocess(im, cfg)
    bin_name = write(f"pv_{name}.bin", values.astype("<f4").tobytes())
    manifest["preprocess"].append({"name": name, "input": input_file, "kind": kind, "config": cfg,
                                   "shape": list(values.shape), "values": bin_name})


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))

    # Real photos. PNG inputs are lossless, so any difference is ours; rocket.jpg also measures the
    # JPEG decoder difference (ImageSharp vs libjpeg). The astronaut is cropped to keep fixtures small.
    with Image.open(os.path.join(SKIMAGE, "astronaut.png")) as im:
        save_png("photo_astronaut_crop.png", im.convert("RGB").crop((60, 0, 420, 300)))
    with Image.open(os.path.join(SKIMAGE, "chelsea.png")) as im:
        save_png("photo_chelsea.png", im.convert("RGB"))
    with Image.open(os.path.join(SKIMAGE, "coffee.png")) as im:
        save_png("photo_coffee.png", im.convert("RGB"))
    with open(os.path.join(SKIMAGE, "rocket.jpg"), "rb") as f:
        write("photo_rocket.jpg", f.read())

    # Benchmark input (benchmarks/Multimodal.Sdk.Benchmarks/Imaging): a 640 x 480 photo as JPEG.
    with Image.open(os.path.join(SKIMAGE, "coffee.png")) as im:
        buf = io.BytesIO()
        im.convert("RGB").resize((640, 480), Image.Resampling.LANCZOS).save(buf, format="JPEG", quality=90)
        manifest["benchmark"] = write("bench_coffee_640x480.jpg", buf.getvalue())

    add_preprocess("astronaut_clip224", "photo_astronaut_crop.png", clip_cfg(), "png")
    add_preprocess("chelsea_clip224", "photo_chelsea.png", clip_cfg(), "png")
    add_preprocess("rocket_clip224", "photo_rocket.jpg", clip_cfg(), "jpeg")
    add_preprocess("coffee_vit_160x120", "photo_coffee.png", vit_cfg(120, 160), "png")
    add_preprocess("chelsea_vit_96", "photo_chelsea.png", vit_cfg(96, 96), "png")
    add_preprocess("rocket_vit_64x80", "photo_rocket.jpg", vit_cfg(80, 64), "jpeg")

    # Synthetic: odd sizes, extreme aspect ratios, upscaling, tiny images, crop larger than the image.
    shapes = {"odd_37x23": (37, 23), "wide_640x9": (640, 9), "tall_5x300": (5, 300),
              "tiny_1x1": (1, 1), "tiny_3x2": (3, 2), "mid_129x97": (129, 97)}
    for i, (label, (w, h)) in enumerate(shapes.items()):
        save_png(f"syn_{label}.png", synthetic(w, h, i))
    add_preprocess("odd_clip32", "syn_odd_37x23.png", clip_cfg(32, 32), "png")
    add_preprocess("odd_clip16", "syn_odd_37x23.png", clip_cfg(16, 16), "png")
    add_preprocess("wide_clip24", "syn_wide_640x9.png", clip_cfg(24, 24), "png")
    add_preprocess("tall_clip20", "syn_tall_5x300.png", clip_cfg(20, 20), "png")
    add_preprocess("tiny1_clip8", "syn_tiny_1x1.png", clip_cfg(8, 8), "png")
    add_preprocess("tiny3x2_clip7", "syn_tiny_3x2.png", clip_cfg(7, 5), "png")
    add_preprocess("mid_clip64_crop48", "syn_mid_129x97.png", clip_cfg(64, 48), "png")
    add_preprocess("odd_vit_50x31", "syn_odd_37x23.png", vit_cfg(31, 50), "png")
    add_preprocess("wide_vit_32x16", "syn_wide_640x9.png", vit_cfg(16, 32), "png")
    add_preprocess("mid_vit_41x23_bicubic", "syn_mid_129x97.png", vit_cfg(23, 41, resample=3), "png")
    # Exact resize smaller than the crop: transformers pads with zeros (before rescale/normalize).
    cfg = vit_cfg(20, 30)
    cfg.update({"do_center_crop": True, "crop_size": {"height": 24, "width": 26}})
    add_preprocess("mid_vit_30x20_padcrop", "syn_mid_129x97.png", cfg, "png")
    # No resize, no normalize: only rescale and layout.
    add_preprocess("odd_rescale_only", "syn_odd_37x23.png",
                   {"do_resize": False, "do_center_crop": False, "do_normalize": False, "rescale_factor": 1 / 255}, "png")

    # Resize alone, every PIL filter, down / up / one axis only: uint8 output must match exactly.
    src = synthetic(53, 37, 42)
    save_png("syn_resize_53x37.png", src)
    pil = Image.fromarray(src)
    for f in range(6):
        for (w, h) in [(20, 15), (101, 80), (53, 19), (17, 37), (7, 90), (1, 1)]:
            out = np.array(pil.resize((w, h), resample=f, reducing_gap=None))
            name = write(f"rs_f{f}_{w}x{h}.bin", out.tobytes())
            manifest["resize"].append({"filter": f, "width": w, "height": h, "output": name})

    # Decoder inputs: what Pillow's exif_transpose + convert("RGB") gives, as raw RGB.
    def add_decode(file, image_for_expected, lossy=False):
        rgb = np.array(ImageOps.exif_transpose(image_for_expected).convert("RGB"))
        out = write(f"dec_{os.path.splitext(file)[0]}.bin", rgb.tobytes())
        manifest["decode"].append({"input": file, "width": rgb.shape[1], "height": rgb.shape[0],
                                   "expected": out, "lossy": lossy})

    def reopen(name):
        return Image.open(os.path.join(OUT, name))

    base = synthetic(24, 16, 7)
    # Four flat quadrants so orientation is unmistakable even through JPEG loss. No chroma subsampling: the
    # decoders upsample chroma differently (libjpeg's "fancy" upsampling), which at hard colour edges would
    # dwarf what this test is about.
    quad = np.zeros((32, 48, 3), dtype=np.uint8)
    quad[:16, :24] = (230, 30, 30)
    quad[:16, 24:] = (30, 230, 30)
    quad[16:, :24] = (30, 30, 230)
    quad[16:, 24:] = (230, 230, 40)
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        name = f"orient{orientation}.jpg"
        buf = io.BytesIO()
        Image.fromarray(quad).save(buf, format="JPEG", quality=95, subsampling=0, exif=exif.tobytes())
        write(name, buf.getvalue())
        with reopen(name) as im:
            add_decode(name, im, lossy=True)

    frames = [Image.fromarray(base).convert("P", palette=Image.Palette.ADAPTIVE, colors=64),
              Image.fromarray(255 - base).convert("P", palette=Image.Palette.ADAPTIVE, colors=64)]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    write("anim.gif", buf.getvalue())
    with reopen("anim.gif") as im:
        add_decode("anim.gif", im)

    buf = io.BytesIO()
    Image.fromarray(base).save(buf, format="WEBP", lossless=True)
    write("lossless.webp", buf.getvalue())
    with reopen("lossless.webp") as im:
        add_decode("lossless.webp", im)

    buf = io.BytesIO()
    Image.fromarray(base).save(buf, format="BMP")
    write("rgb.bmp", buf.getvalue())
    with reopen("rgb.bmp") as im:
        add_decode("rgb.bmp", im)

    alpha = np.linspace(0, 255, base.shape[0] * base.shape[1]).reshape(base.shape[:2]).astype(np.uint8)
    save_png("rgba.png", Image.fromarray(np.dstack([base, alpha]), "RGBA"))
    save_png("gray.png", Image.fromarray(base[..., 1], "L"))
    save_png("gray_alpha.png", Image.fromarray(np.dstack([base[..., 0], alpha]), "LA"))
    save_png("palette.png", Image.fromarray(base).convert("P", palette=Image.Palette.ADAPTIVE, colors=16))
    pal = Image.fromarray(base).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    pal.info["transparency"] = 3
    buf = io.BytesIO()
    pal.save(buf, format="PNG", transparency=3)
    write("palette_trns.png", buf.getvalue())
    for name in ["rgba.png", "gray.png", "gray_alpha.png", "palette.png", "palette_trns.png"]:
        with reopen(name) as im:
            add_decode(name, im)

    # A PNG whose header claims 100000 x 100000 pixels (10 Gpx) and holds no pixel data.
    import struct
    import zlib
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat = zlib.compress(b"\x00" * 64)
    png += struct.pack(">I", len(idat)) + b"IDAT" + idat + struct.pack(">I", zlib.crc32(b"IDAT" + idat))
    write("bomb_100000x100000.png", png)

    # A PNG whose header claims 0 x 16 pixels.
    ihdr = struct.pack(">IIBBBBB", 0, 16, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    png += struct.pack(">I", len(idat)) + b"IDAT" + idat + struct.pack(">I", zlib.crc32(b"IDAT" + idat))
    png += struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    write("zero_width.png", png)

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total / 1e6:.2f} MB to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()

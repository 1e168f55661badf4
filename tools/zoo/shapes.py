#!/usr/bin/python3
"""Shapes world generator (see shared/docs/zoo-worlds.md, "Shapes world").

    /usr/bin/python3 tools/zoo/shapes.py --seed S --count N --out DIR [--variety]

writes DIR/<index>.png|.jpg and DIR/labels.jsonl, one JSON line per image:
{"file", "width", "height", "caption", "objects": [{"shape", "colour", "size", "bbox": [x0,y0,x1,y1]}],
 "qa": [{"question", "answer"}]}

Image i depends only on (seed, i), so any prefix of a larger set is the smaller set and
generation can be split across processes (--start) without changing a single byte.

--variety draws what the spec allows but the default never draws: cross arm widths 0.15..0.45 of the side (the
default is 1/3), star inner/outer radius ratios 0.35..0.6 (default 0.4), and the gray background twice as often as
each other one (an outside check found gray the hardest). It is opt-in so that the default bytes, whose SHA-256s
tests pin, stay as they are.
"""
import argparse
import io
import json
import math
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SHAPES = ["circle", "square", "triangle", "star", "cross"]
COLOURS = {
    "red": (220, 30, 30),
    "green": (30, 170, 60),
    "blue": (30, 70, 220),
    "yellow": (240, 220, 30),
    "purple": (140, 40, 180),
    "orange": (250, 140, 20),
    "white": (245, 245, 245),
    "black": (15, 15, 15),
}
COLOUR_NAMES = list(COLOURS)
BACKGROUNDS = ["white", "black", "gray", "noise"]
BG_RGB = {"white": (245, 245, 245), "black": (15, 15, 15), "gray": (128, 128, 128)}
# An object never takes the background's colour; on the light noise texture never white.
BG_FORBIDDEN = {"white": "white", "black": "black", "gray": None, "noise": "white"}

SUPERSAMPLE = 4  # shapes are rasterised at 4x and box-filtered down: anti-aliased edges
MARGIN = 4       # minimum distance of any object pixel from the canvas edge
GAP = 2          # minimum distance between the bounding boxes of two objects
CROSS_ARM = 1.0 / 3.0  # default arm half-width relative to the arm length (= arm width / side)
STAR_INNER = 0.4       # default inner/outer radius ratio of the star
# --variety: ranges of the same two parameters, and background weights (gray doubled)
VARIETY_ARM = (0.15, 0.45)
VARIETY_INNER = (0.35, 0.6)
VARIETY_BG_WEIGHTS = (0.2, 0.2, 0.4, 0.2)


def star_points(cx, cy, r_out, r_in):
    pts = []
    for k in range(10):
        r = r_out if k % 2 == 0 else r_in
        a = -math.pi / 2 + k * math.pi / 5  # first point straight up
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


def shape_polygon(shape, angle_deg, arm=CROSS_ARM, inner=STAR_INNER):
    """Unit outline centred on (0,0) before scaling; None for the circle."""
    if shape == "square":
        pts = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
    elif shape == "cross":
        t = arm  # arm half-width relative to the arm length
        pts = [(-t, -1), (t, -1), (t, -t), (1, -t), (1, t), (t, t), (t, 1), (-t, 1),
               (-t, t), (-1, t), (-1, -t), (-t, -t)]
    elif shape == "triangle":
        pts = [(0, -1), (1, 1), (-1, 1)]  # isosceles, pointing up, as wide as high
    elif shape == "star":
        pts = star_points(0.0, 0.0, 1.0, inner)
    else:
        return None
    if angle_deg:
        a = math.radians(angle_deg)
        c, s = math.cos(a), math.sin(a)
        pts = [(x * c - y * s, x * s + y * c) for x, y in pts]
    return pts


def fit_polygon(pts, x0, y0, side):
    """Scale/translate a polygon so its tight box has larger side `side`, centred in the square."""
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    k = side / max(w, h)
    ox = x0 + (side - w * k) / 2 - min(xs) * k
    oy = y0 + (side - h * k) / 2 - min(ys) * k
    return [(ox + x * k, oy + y * k) for x, y in pts]


def draw_object(canvas, rng, obj):
    """Alpha-composite one anti-aliased shape; returns its tight integer bbox."""
    x0, y0, side = obj["_x0"], obj["_y0"], obj["_side"]
    pad = 2
    bx0, by0 = int(math.floor(x0)) - pad, int(math.floor(y0)) - pad
    bw = int(math.ceil(x0 + side)) + pad - bx0
    bh = int(math.ceil(y0 + side)) + pad - by0
    S = SUPERSAMPLE
    mask = Image.new("L", (bw * S, bh * S), 0)
    d = ImageDraw.Draw(mask)
    lx, ly = (x0 - bx0) * S, (y0 - by0) * S
    if obj["shape"] == "circle":
        d.ellipse([lx, ly, lx + side * S, ly + side * S], fill=255)
    else:
        poly = shape_polygon(obj["shape"], obj["_angle"], obj.get("_arm", CROSS_ARM), obj.get("_inner", STAR_INNER))
        pts = fit_polygon(poly, lx, ly, side * S)
        d.polygon(pts, fill=255)
    mask = mask.resize((bw, bh), Image.BOX)
    m = np.asarray(mask, dtype=np.float32)[..., None] / 255.0
    region = canvas[by0:by0 + bh, bx0:bx0 + bw].astype(np.float32)
    rgb = np.array(obj["_rgb"], dtype=np.float32)
    canvas[by0:by0 + bh, bx0:bx0 + bw] = np.clip(region * (1 - m) + rgb * m + 0.5, 0, 255).astype(np.uint8)
    ys, xs = np.nonzero(m[..., 0] > 0.5)
    if len(xs) == 0:  # cannot happen for sides >= 14 px, kept for safety
        return [int(round(x0)), int(round(y0)), int(round(x0 + side)), int(round(y0 + side))]
    return [int(bx0 + xs.min()), int(by0 + ys.min()), int(bx0 + xs.max() + 1), int(by0 + ys.max() + 1)]


def relation(a, b):
    """Relation of a to b by bbox centres; returns (first, relation, second) in caption order."""
    ca = ((a["bbox"][0] + a["bbox"][2]) / 2, (a["bbox"][1] + a["bbox"][3]) / 2)
    cb = ((b["bbox"][0] + b["bbox"][2]) / 2, (b["bbox"][1] + b["bbox"][3]) / 2)
    dx, dy = cb[0] - ca[0], cb[1] - ca[1]
    if abs(dx) > abs(dy):
        return (a, "to the left of", b) if dx > 0 else (b, "to the left of", a)
    return (a, "above", b) if dy > 0 else (b, "above", a)


def caption_of(objects):
    if len(objects) == 1:
        o = objects[0]
        return f"a {o['size']} {o['colour']} {o['shape']}"
    first, rel, second = relation(objects[0], objects[1])
    return f"a {first['colour']} {first['shape']} {rel} a {second['colour']} {second['shape']}"


def questions_of(rng, objects, caption):
    qa = []
    shapes = [o["shape"] for o in objects]
    colours = [o["colour"] for o in objects]
    for o in objects:
        if shapes.count(o["shape"]) == 1:
            qa.append({"question": f"what color is the {o['shape']}?", "answer": o["colour"]})
    for o in objects:
        if colours.count(o["colour"]) == 1:
            qa.append({"question": f"what shape is the {o['colour']} object?", "answer": o["shape"]})
    qa.append({"question": "how many shapes are there?", "answer": ["one", "two"][len(objects) - 1]})
    # one "yes" and one "no" per image, so exactly half of these answers are "no"
    present = {(o["colour"], o["shape"]) for o in objects}
    o = objects[int(rng.integers(len(objects)))]
    yes = {"question": f"is there a {o['colour']} {o['shape']}?", "answer": "yes"}
    absent = [(c, s) for c in COLOUR_NAMES for s in SHAPES if (c, s) not in present]
    if rng.random() < 0.5:  # near miss: shares the colour or the shape of a present object
        near = [(c, s) for (c, s) in absent if any(c == pc or s == ps for pc, ps in present)]
        absent = near or absent
    c, s = absent[int(rng.integers(len(absent)))]
    no = {"question": f"is there a {c} {s}?", "answer": "no"}
    qa.extend([yes, no] if rng.random() < 0.5 else [no, yes])
    if len(objects) == 1:
        qa.append({"question": f"is the {objects[0]['shape']} large or small?", "answer": objects[0]["size"]})
    qa.append({"question": "describe the image.", "answer": caption})
    return qa


def place(rng, w, h, side, others):
    for _ in range(200):
        x0 = rng.uniform(MARGIN, w - MARGIN - side)
        y0 = rng.uniform(MARGIN, h - MARGIN - side)
        ok = all(x0 + side + GAP <= ox or ox + os_ + GAP <= x0 or y0 + side + GAP <= oy or oy + os_ + GAP <= y0
                 for ox, oy, os_ in others)
        if ok:
            return x0, y0
    return None


def make_image(seed, index, two_prob=0.5, variety=False):
    rng = np.random.default_rng([seed, index])
    while True:
        w, h = int(rng.integers(96, 321)), int(rng.integers(96, 321))
        if variety:  # every extra draw sits behind the flag: the default sequence of draws is unchanged
            bg = BACKGROUNDS[int(rng.choice(len(BACKGROUNDS), p=VARIETY_BG_WEIGHTS))]
        else:
            bg = BACKGROUNDS[int(rng.integers(len(BACKGROUNDS)))]
        n = 2 if rng.random() < two_prob else 1
        allowed = [c for c in COLOUR_NAMES if c != BG_FORBIDDEN[bg]]
        mn = min(w, h)
        objects, boxes = [], []
        for _ in range(n):
            size = "small" if n == 2 or rng.random() < 0.5 else "large"
            frac = rng.uniform(0.15, 0.25) if size == "small" else rng.uniform(0.35, 0.55)
            shape = SHAPES[int(rng.integers(len(SHAPES)))]
            colour = allowed[int(rng.integers(len(allowed)))]
            angle = float(rng.uniform(-15, 15)) if shape in ("square", "cross") else 0.0
            geometry = {}
            if variety and shape == "cross":
                geometry["_arm"] = float(rng.uniform(*VARIETY_ARM))
            if variety and shape == "star":
                geometry["_inner"] = float(rng.uniform(*VARIETY_INNER))
            # a rotated square/cross is drawn inside the same box, so its tight box stays within
            side = frac * mn
            pos = place(rng, w, h, side, boxes)
            if pos is None:
                break
            rgb = tuple(int(np.clip(v + rng.integers(-20, 21), 0, 255)) for v in COLOURS[colour])
            boxes.append((pos[0], pos[1], side))
            objects.append({"shape": shape, "colour": colour, "size": size,
                            "_x0": pos[0], "_y0": pos[1], "_side": side, "_angle": angle, "_rgb": rgb, **geometry})
        if len(objects) == n:
            break
    if bg == "noise":
        g = rng.integers(200, 256, size=(h, w), dtype=np.int64).astype(np.uint8)
        canvas = np.repeat(g[..., None], 3, axis=2)
    else:
        canvas = np.empty((h, w, 3), np.uint8)
        canvas[:] = BG_RGB[bg]
    for o in objects:
        o["bbox"] = draw_object(canvas, rng, o)
    img = Image.fromarray(canvas)
    if rng.random() < 0.5:
        img = img.filter(ImageFilter.GaussianBlur(radius=float(rng.uniform(0.0, 1.0))))
    if rng.random() < 0.5:
        sigma = np.float32(rng.uniform(0.0, 8.0))
        noise = rng.standard_normal((h, w, 3), dtype=np.float32)
        noise *= sigma
        noise += np.asarray(img, dtype=np.float32)
        noise += np.float32(0.5)
        np.clip(noise, 0, 255, out=noise)
        img = Image.fromarray(noise.astype(np.uint8))
    if rng.random() < 0.5:
        fmt, ext, quality = "JPEG", "jpg", int(rng.integers(60, 96))
    else:
        fmt, ext, quality = "PNG", "png", None
    public = [{"shape": o["shape"], "colour": o["colour"], "size": o["size"], "bbox": o["bbox"]} for o in objects]
    caption = caption_of(public)
    record = {"width": w, "height": h, "caption": caption, "objects": public,
              "qa": questions_of(rng, public, caption)}
    return img, fmt, ext, quality, record


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--start", type=int, default=0, help="first index (for splitting work)")
    ap.add_argument("--two-prob", type=float, default=0.5, help="probability of a two-object image")
    ap.add_argument("--variety", action="store_true",
                    help="cross arm widths 0.15..0.45, star inner ratios 0.35..0.6, gray background weighted 2x")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    name = "labels.jsonl" if args.start == 0 else f"labels.{args.start}.jsonl"
    with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
        for i in range(args.start, args.start + args.count):
            img, fmt, ext, quality, rec = make_image(args.seed, i, args.two_prob, args.variety)
            fname = f"{i:06d}.{ext}"
            buf = io.BytesIO()
            if fmt == "JPEG":
                img.save(buf, fmt, quality=quality)
            else:
                img.save(buf, fmt)
            with open(os.path.join(args.out, fname), "wb") as g:
                g.write(buf.getvalue())
            f.write(json.dumps({"file": fname, **rec}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

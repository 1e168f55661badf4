#!/usr/bin/env python3
"""Independent generator for the "Shapes world" (docs/zoo-worlds.md).

usage: gen.py OUTDIR N SEED [--force-format png|jpeg|asis] [--from-labels labels.jsonl]

Writes OUTDIR/img_XXXX.{png,jpg} and OUTDIR/labels.jsonl.
--from-labels re-renders the exact same scenes (all random draws stored in the labels) and
lets one override a single factor (format, blur, noise, aa) for controlled experiments.
"""
import json, math, os, sys, random
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

BGS = {"white": (245, 245, 245), "black": (15, 15, 15), "gray": (128, 128, 128), "noise": None}
COLOURS = {"red": (220, 30, 30), "green": (30, 170, 60), "blue": (30, 70, 220), "yellow": (240, 220, 30),
           "purple": (140, 40, 180), "orange": (250, 140, 20), "white": (245, 245, 245), "black": (15, 15, 15)}
SHAPES = ["circle", "square", "triangle", "star", "cross"]
# --variant key=value,... : alternative (still spec-compliant) readings for stress tests; default = main reading
VAR = {}


def unit_polygon(shape, rot_deg, params):
    """Polygon points in unit coords (centre 0,0), scaled later so that the axis-aligned bbox's
    larger side == requested side. Returns list of (x,y) or None for circle."""
    if shape == "circle":
        return None
    if shape == "square":
        pts = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
    elif shape == "cross":
        t = params["arm"]  # half thickness of the arms relative to half side
        pts = [(-t, -1), (t, -1), (t, -t), (1, -t), (1, t), (t, t), (t, 1), (-t, 1), (-t, t), (-1, t), (-1, -t), (-t, -t)]
    elif shape == "triangle":
        # isosceles, apex up, base at bottom: fills its square bbox (width == height)
        pts = [(0, -1), (1, 1), (-1, 1)] if VAR.get("tri") != "equilateral" else [(0, -1), (1, math.sqrt(3) - 1), (-1, math.sqrt(3) - 1)]
    elif shape == "star":
        r_in = params["inner"]
        pts = []
        for k in range(10):
            ang = -math.pi / 2 + k * math.pi / 5  # first point straight up
            r = 1.0 if k % 2 == 0 else r_in
            pts.append((r * math.cos(ang), r * math.sin(ang)))
    th = math.radians(rot_deg)
    c, s = math.cos(th), math.sin(th)
    return [(x * c - y * s, x * s + y * c) for x, y in pts]


def shape_geometry(shape, side, rot, params):
    """Return (polygon relative to bbox top-left or None, bbox w, bbox h)."""
    if shape == "circle":
        return None, side, side
    pts = unit_polygon(shape, rot, params)
    xs = [p[0] for p in pts]; ys = [p[1] for p in pts]
    w = max(xs) - min(xs); h = max(ys) - min(ys)
    k = side / max(w, h)
    if VAR.get("sizing") == "unrotated":  # side = side of the shape before rotation / circumscribed circle for star
        k = side / 2.0
    pts = [((x - min(xs)) * k, (y - min(ys)) * k) for x, y in pts]
    return pts, w * k, h * k


def sample_scene(rng):
    W = rng.randint(96, 320); H = rng.randint(96, 320)
    if VAR.get("canvas") == "extreme":
        W = rng.choice([96, 100, 310, 320]); H = rng.choice([96, 100, 310, 320])
    if "canvasfix" in VAR:
        W, H = map(int, VAR["canvasfix"].split("x"))
    bg = rng.choice(list(BGS)) if "bg" not in VAR else VAR["bg"]
    n = rng.choice([1, 2]) if "n" not in VAR else int(VAR["n"])
    m = min(W, H)
    allowed = [c for c in COLOURS if not (c == bg or (bg == "noise" and c == "white"))]
    for attempt in range(1000):
        objs = []
        ok = True
        for i in range(n):
            size = "small" if n == 2 else (rng.choice(["small", "large"]) if "size" not in VAR else VAR["size"])
            frac = rng.uniform(0.15, 0.25) if size == "small" else rng.uniform(0.35, 0.55)
            if "fracfix" in VAR: frac = float(VAR["fracfix"]); size = "small" if frac < 0.3 else "large"
            if VAR.get("frac") == "bounds":
                frac = rng.choice([0.151, 0.249]) if size == "small" else rng.choice([0.351, 0.549])
            side = frac * m
            shape = rng.choice(SHAPES) if "shape" not in VAR else VAR["shape"]
            if VAR.get("pair") == "sameshape" and objs: shape = objs[0]["shape"]
            rot = rng.uniform(-15, 15) if shape in ("square", "cross") else 0.0
            params = {"arm": rng.uniform(0.25, 0.4), "inner": rng.uniform(0.38, 0.5)}
            if VAR.get("arm") == "wide": params["arm"] = rng.choice([rng.uniform(0.15, 0.22), rng.uniform(0.42, 0.5)])
            if VAR.get("inner") == "regular": params["inner"] = 0.382
            if "armfix" in VAR: params["arm"] = float(VAR["armfix"])
            if "innerfix" in VAR: params["inner"] = float(VAR["innerfix"])
            if "rot" in VAR and shape in ("square", "cross"): rot = rng.choice([-1, 1]) * float(VAR["rot"])
            pts, bw, bh = shape_geometry(shape, side, rot, params)
            x0min, x0max = 4, W - 4 - bw
            y0min, y0max = 4, H - 4 - bh
            if x0max < x0min or y0max < y0min:
                ok = False; break
            x0 = rng.uniform(x0min, x0max); y0 = rng.uniform(y0min, y0max)
            box = [x0, y0, x0 + bw, y0 + bh]
            for o in objs:  # non-overlapping bboxes (with 2 px gap)
                b = o["box"]
                if not (box[2] + 2 <= b[0] or b[2] + 2 <= box[0] or box[3] + 2 <= b[1] or b[3] + 2 <= box[1]):
                    ok = False
            if not ok:
                break
            colour = rng.choice(allowed) if "colourfix" not in VAR else VAR["colourfix"]
            if VAR.get("pair") == "samecolour" and objs: colour = objs[0]["colour"]
            rgb = [int(min(255, max(0, a + rng.randint(-20, 20)))) for a in COLOURS[colour]]
            if VAR.get("jitter") == "extreme":
                rgb = [int(min(255, max(0, a + rng.choice([-20, 20])))) for a in COLOURS[colour]]
            if VAR.get("jitter") == "none":
                rgb = list(COLOURS[colour])
            objs.append(dict(shape=shape, colour=colour, size=size, frac=frac, side=side, rot=rot,
                             params=params, box=box, rgb=rgb))
        if ok:
            break
    else:
        raise RuntimeError("placement failed")
    photo = {
        "blur": rng.uniform(0.2, 1.0) if rng.random() < 0.5 else 0.0,
        "noise": rng.uniform(0.5, 8.0) if rng.random() < 0.5 else 0.0,
        "format": rng.choice(["png", "jpeg"]),
        "quality": rng.randint(60, 95),
        "aa": rng.random() < 0.5,          # supersampled (anti-aliased) drawing or plain ImageDraw
        "seed": rng.randint(0, 2**31 - 1),  # pixel noise / texture seed
    }
    if VAR.get("photo") == "max": photo.update(blur=1.0, noise=8.0, format="jpeg", quality=60)
    if VAR.get("photo") == "clean": photo.update(blur=0.0, noise=0.0, format="png")
    return dict(width=W, height=H, background=bg, objects=objs, photo=photo)


def render(sc):
    W, H = sc["width"], sc["height"]
    ph = sc["photo"]
    nrng = np.random.default_rng(ph["seed"])
    if sc["background"] == "noise":
        if VAR.get("noisetex") == "rgb":  # alternative reading: each channel drawn independently
            base = nrng.integers(200, 256, size=(H, W, 3), dtype=np.uint8)
        else:
            g = nrng.integers(200, 256, size=(H, W), dtype=np.uint8)
            base = np.stack([g, g, g], -1)
    else:
        base = np.zeros((H, W, 3), np.uint8) + np.array(BGS[sc["background"]], np.uint8)
    S = 4 if ph["aa"] else 1
    # draw objects on a layer + mask (supersampled if aa)
    layer = Image.new("RGB", (W * S, H * S), (0, 0, 0))
    mask = Image.new("L", (W * S, H * S), 0)
    dl = ImageDraw.Draw(layer); dm = ImageDraw.Draw(mask)
    for o in sc["objects"]:
        x0, y0, x1, y1 = o["box"]
        col = tuple(o["rgb"])
        if o["shape"] == "circle":
            bb = [x0 * S, y0 * S, x1 * S - 1, y1 * S - 1]
            dl.ellipse(bb, fill=col); dm.ellipse(bb, fill=255)
        else:
            pts, _, _ = shape_geometry(o["shape"], o["side"], o["rot"], o["params"])
            P = [((x0 + px) * S, (y0 + py) * S) for px, py in pts]
            dl.polygon(P, fill=col); dm.polygon(P, fill=255)
    if S > 1:
        layer = layer.resize((W, H), Image.LANCZOS)
        mask = mask.resize((W, H), Image.LANCZOS)
    a = np.asarray(mask, np.float32)[..., None] / 255.0
    img = base.astype(np.float32) * (1 - a) + np.asarray(layer, np.float32) * a
    im = Image.fromarray(np.clip(np.rint(img), 0, 255).astype(np.uint8))
    if ph["blur"] > 0:
        im = im.filter(ImageFilter.GaussianBlur(ph["blur"]))
    if ph["noise"] > 0:
        arr = np.asarray(im, np.float32) + nrng.normal(0, ph["noise"], size=(H, W, 3))
        im = Image.fromarray(np.clip(np.rint(arr), 0, 255).astype(np.uint8))
    return im


def relation(a, b):
    """Return (first, rel, second) per spec (bbox centres)."""
    ca = ((a["box"][0] + a["box"][2]) / 2, (a["box"][1] + a["box"][3]) / 2)
    cb = ((b["box"][0] + b["box"][2]) / 2, (b["box"][1] + b["box"][3]) / 2)
    dx, dy = cb[0] - ca[0], cb[1] - ca[1]
    if abs(dx) > abs(dy):
        return (a, "to the left of", b) if dx > 0 else (b, "to the left of", a)
    return (a, "above", b) if dy > 0 else (b, "above", a)


def annotate(sc, rng):
    objs = sc["objects"]
    if len(objs) == 1:
        o = objs[0]
        cap = f"a {o['size']} {o['colour']} {o['shape']}"
    else:
        f, rel, s = relation(objs[0], objs[1])
        cap = f"a {f['colour']} {f['shape']} {rel} a {s['colour']} {s['shape']}"
        ca = [(o["box"][0] + o["box"][2]) / 2 for o in objs]; cy = [(o["box"][1] + o["box"][3]) / 2 for o in objs]
        sc["rel_margin"] = abs(abs(ca[0] - ca[1]) - abs(cy[0] - cy[1]))  # |dx|-|dy| distance from the tie
    qa = []
    shapes = [o["shape"] for o in objs]; cols = [o["colour"] for o in objs]
    for o in objs:
        if shapes.count(o["shape"]) == 1:
            qa.append(dict(type="color", question=f"what color is the {o['shape']}?", answer=o["colour"]))
    for o in objs:
        if cols.count(o["colour"]) == 1:
            qa.append(dict(type="shape", question=f"what shape is the {o['colour']} object?", answer=o["shape"]))
    qa.append(dict(type="count", question="how many shapes are there?", answer=["one", "two"][len(objs) - 1]))
    if rng.random() < 0.5:
        o = rng.choice(objs)
        qa.append(dict(type="exists", question=f"is there a {o['colour']} {o['shape']}?", answer="yes"))
    else:
        present = {(o["colour"], o["shape"]) for o in objs}
        while True:
            kind = rng.random()
            o = rng.choice(objs)
            if kind < 0.33:   # same colour, other shape
                c, s = o["colour"], rng.choice(SHAPES)
            elif kind < 0.66:  # same shape, other colour
                c, s = rng.choice(list(COLOURS)), o["shape"]
            else:
                c, s = rng.choice(list(COLOURS)), rng.choice(SHAPES)
            if (c, s) not in present:
                break
        qa.append(dict(type="exists", question=f"is there a {c} {s}?", answer="no"))
    if len(objs) == 1:
        qa.append(dict(type="size", question=f"is the {objs[0]['shape']} large or small?", answer=objs[0]["size"]))
    qa.append(dict(type="describe", question="describe the image.", answer=cap))
    return cap, qa


def main():
    out, N, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    force = None; from_labels = None; override = {}
    args = sys.argv[4:]
    i = 0
    while i < len(args):
        if args[i] == "--force-format": force = args[i + 1]; i += 2
        elif args[i] == "--from-labels": from_labels = args[i + 1]; i += 2
        elif args[i] == "--variant":
            for kv in args[i + 1].split(","):
                k, v = kv.split("="); VAR[k] = v
            i += 2
        elif args[i] == "--set-bg": override["bg"] = args[i + 1]; i += 2
        elif args[i] == "--set":  # --set blur=0 noise=0 aa=1 quality=95
            k, v = args[i + 1].split("="); override[k] = float(v); i += 2
        else: raise SystemExit("bad arg " + args[i])
    os.makedirs(out, exist_ok=True)
    rng = random.Random(seed)
    scenes = []
    if from_labels:
        scenes = [json.loads(l) for l in open(from_labels)][:N]
    else:
        # balance: alternate one/two objects (≈ half each)
        for k in range(N):
            while True:
                sc = sample_scene(rng)
                if len(sc["objects"]) == 1 + (k % 2) or "n" in VAR:
                    break
            sc["caption"], sc["qa"] = annotate(sc, rng)
            scenes.append(sc)
    with open(os.path.join(out, "labels.jsonl"), "w") as fo:
        for k, sc in enumerate(scenes):
            ph = sc["photo"]
            if force in ("png", "jpeg"): ph["format"] = force
            for kk, v in override.items():
                if kk == "bg": continue
                ph[kk] = (v > 0) if kk == "aa" else (int(v) if kk == "quality" else v)
            if "bg" in override:
                nb = override["bg"]
                if any(o["colour"] == nb or (nb == "noise" and o["colour"] == "white") for o in sc["objects"]):
                    continue  # this scene cannot be shown on that background: left out
                sc["background"] = nb
            im = render(sc)
            ext = "png" if ph["format"] == "png" else "jpg"
            name = f"img_{k:04d}.{ext}"
            if ph["format"] == "png":
                im.save(os.path.join(out, name))
            else:
                im.save(os.path.join(out, name), quality=ph["quality"])
            sc["file"] = name
            fo.write(json.dumps(sc) + "\n")


if __name__ == "__main__":
    main()

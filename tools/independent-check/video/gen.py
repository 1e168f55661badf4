#!/usr/bin/python3
"""Independent generator for the zoo "Video world" (docs/zoo-worlds.md), written blind.

usage: /usr/bin/python3 gen.py OUTDIR N SEED
Writes OUTDIR/clip_XXX.{mp4,webm} and OUTDIR/labels.jsonl.
"""
import json, math, os, random, subprocess, sys, tempfile
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

FPS = 8
SHAPES = ["circle", "square", "triangle", "star", "cross"]
PLURAL = {"circle": "circles", "square": "squares", "triangle": "triangles", "star": "stars", "cross": "crosses"}
COLOURS = {"red": (220, 30, 30), "green": (30, 170, 60), "blue": (30, 70, 220), "yellow": (240, 220, 30),
           "purple": (140, 40, 180), "orange": (250, 140, 20), "white": (245, 245, 245), "black": (15, 15, 15)}
BGS = ["white", "black", "gray", "noise"]
MOTIONS = ["still", "left", "right", "up", "down"]

ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty"}


def num_words(n):
    if n < 20:
        return ONES[n]
    t, u = divmod(n, 10)
    return TENS[t] + ("" if u == 0 else " " + ONES[u])


def sentence(r):
    c = r.choice(list(COLOURS)); s = r.choice(SHAPES)
    k = r.randrange(7)
    if k == 0:
        return f"{r.choice(['pick up', 'put down', 'move', 'find', 'show', 'hide'])} the {c} {s}"
    if k == 1:
        return f"move the {c} {s} to the {r.choice(['left', 'right', 'top', 'bottom'])}"
    if k == 2:
        return f"there are {num_words(r.randint(2, 20))} {c} {PLURAL[s]}"
    if k == 3:
        return f"set a timer for {num_words(r.randint(1, 60))} minutes"
    if k == 4:
        return "call " + " ".join(ONES[r.randint(0, 9)] for _ in range(4))
    if k == 5:
        return f"turn {r.choice(['on', 'off'])} the {c} light"
    return r.choice(["open the door", "close the door"])


def speak(r, text, tmpdir):
    voice = r.choice(["en-us", "en"]) + "+" + r.choice([f"m{i}" for i in range(1, 8)] + [f"f{i}" for i in range(1, 5)])
    speed = r.randint(130, 210); pitch = r.randint(30, 70)
    raw = os.path.join(tmpdir, "raw.wav"); out = os.path.join(tmpdir, "s16k.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", raw, text], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["sox", raw, "-r", "16000", "-c", "1", "-b", "16", out], check=True)
    import scipy.io.wavfile as wf
    sr, a = wf.read(out)
    a = a.astype(np.float64)
    # trim espeak's own leading/trailing silence so "starts at" is meaningful
    nz = np.nonzero(np.abs(a) > 100)[0]
    a = a[nz[0]:nz[-1] + 1]
    return a, dict(voice=voice, speed=speed, pitch=pitch)


def pink(n, rng):
    w = rng.standard_normal(n)
    f = np.fft.rfft(w)
    k = np.arange(len(f)); k[0] = 1
    f = f / np.sqrt(k)
    p = np.fft.irfft(f, n)
    return p / (p.std() + 1e-12)


def draw_shape(d, shape, cx, cy, s, rot, col, ss):
    """s = bounding-box side (px) at supersampling ss."""
    h = s / 2
    if shape == "circle":
        d.ellipse([cx - h, cy - h, cx + h, cy + h], fill=col)
    elif shape == "triangle":  # points up, base s, height s
        if os.environ.get("BV_TRI_EQ"):  # equilateral: base s, height s*sqrt(3)/2, bbox centred
            hh = s * math.sqrt(3) / 4
            d.polygon([(cx, cy - hh), (cx + h, cy + hh), (cx - h, cy + hh)], fill=col)
        else:
            d.polygon([(cx, cy - h), (cx + h, cy + h), (cx - h, cy + h)], fill=col)
    elif shape == "star":
        ro = h; ri = ro * float(os.environ.get('BV_STAR_INNER', '0.45'))
        pts = []
        for i in range(10):
            a = -math.pi / 2 + i * math.pi / 5
            rr = ro if i % 2 == 0 else ri
            pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
        # centre the star's bbox vertically (the star's bbox is not symmetric around its centre)
        ys = [p[1] for p in pts]; dy = cy - (min(ys) + max(ys)) / 2
        sc = s / (max(ys) - min(ys))
        pts = [(cx + (x - cx) * sc, cy + (y + dy - cy) * sc) for x, y in pts]
        d.polygon(pts, fill=col)
    else:  # square or cross, rotated by rot degrees; scaled so the rotated bbox side is s
        a = math.radians(rot)
        if shape == "square":
            base = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
        else:
            t = float(os.environ.get('BV_CROSS_T', str(1 / 3)))
            base = [(-t, -1), (t, -1), (t, -t), (1, -t), (1, t), (t, t), (t, 1), (-t, 1), (-t, t), (-1, t), (-1, -t), (-t, -t)]
        rp = [(x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)) for x, y in base]
        ext = max(max(abs(x) for x, _ in rp), max(abs(y) for _, y in rp))
        k = h / ext
        d.polygon([(cx + x * k, cy + y * k) for x, y in rp], fill=col)


def make_clip(r, idx, outdir, tmpdir):
    rng = np.random.default_rng(r.randrange(2 ** 31))
    while True:
        W = r.randint(96, 192); H = r.randint(96, 192)
        webm = r.random() < 0.2
        if not webm:  # libx264 + yuv420p needs even sides: round down (documented choice)
            W -= W % 2; H -= H % 2
        n = r.randint(16, 32)  # 2.0..4.0 s at 8 fps (frames are whole)
        bg = r.choice(BGS)
        nobj = int(os.environ["BV_NOBJ"]) if os.environ.get("BV_NOBJ") else r.choice([1, 2])
        pair = os.environ.get("BV_PAIR", "")
        allowed = [c for c in COLOURS if not (bg == "white" and c == "white") and not (bg == "black" and c == "black")
                   and not (bg == "noise" and c == "white")]
        objs = []
        for _ in range(nobj):
            while True:
                sh = r.choice(os.environ["BV_SHAPES"].split(",") if os.environ.get("BV_SHAPES") else SHAPES); co = r.choice(allowed)
                if objs and pair == "same_shape" and (sh != objs[0]["shape"] or co == objs[0]["colour"]):
                    continue
                if objs and pair == "same_colour" and (co != objs[0]["colour"] or sh == objs[0]["shape"]):
                    continue
                if objs and pair == "diff_both" and (sh == objs[0]["shape"] or co == objs[0]["colour"]):
                    continue
                if all(not (o["shape"] == sh and o["colour"] == co) for o in objs):
                    break
            objs.append(dict(shape=sh, colour=co))
        # event: at most one per clip, only on a still object. ~1/2 of clips get one.
        ev_idx = None
        if (r.random() < 0.5 or os.environ.get("BV_EVENT")) and not os.environ.get("BV_NOEVENT"):
            ev_idx = r.randrange(nobj)
        ok = False
        for attempt in range(200):
            m = min(W, H)
            placed = []
            for i, o in enumerate(objs):
                s = r.uniform(0.15, 0.25) * m
                motion = "still" if i == ev_idx else r.choice(MOTIONS)
                if os.environ.get("BV_ONEMOVING"):
                    motion = r.choice(MOTIONS[1:]) if i == 0 else "still"
                frac = r.uniform(0.30, 0.60)
                side = W if motion in ("left", "right") else H
                dist = frac * side if motion != "still" else 0.0
                # start/end centres
                lo_x, hi_x = 4 + s / 2, W - 4 - s / 2
                lo_y, hi_y = 4 + s / 2, H - 4 - s / 2
                dx = {"left": -dist, "right": dist}.get(motion, 0.0)
                dy = {"up": -dist, "down": dist}.get(motion, 0.0)
                x0r = (lo_x - min(0, dx), hi_x - max(0, dx)); y0r = (lo_y - min(0, dy), hi_y - max(0, dy))
                if x0r[0] > x0r[1] or y0r[0] > y0r[1]:
                    break
                x0 = r.uniform(*x0r); y0 = r.uniform(*y0r)
                rot = r.uniform(-15, 15) if o["shape"] in ("square", "cross") else 0.0
                jit = tuple(max(0, min(255, c + r.randint(-20, 20))) for c in COLOURS[o["colour"]])
                placed.append(dict(s=s, motion=motion, x0=x0, y0=y0, dx=dx, dy=dy, rot=rot, rgb=jit, frac=frac))
            if len(placed) != nobj:
                continue
            # visibility
            for i, p in enumerate(placed):
                p["vis"] = [True] * n
                p["event"] = None; p["event_time"] = None
                if i == ev_idx:
                    kind = r.choice(["appears", "disappears"])
                    lo = math.ceil(0.25 * n); hi = math.floor(0.45 * n)
                    k = r.randint(lo, hi)  # invisible frames
                    if kind == "appears":
                        p["vis"] = [f >= k for f in range(n)]; p["event_time"] = k / FPS
                    else:
                        p["vis"] = [f < n - k for f in range(n)]; p["event_time"] = (n - k) / FPS
                    p["event"] = kind
            # boxes per frame (positions also computed while invisible, for the overlap check and the description)
            for p in placed:
                p["pos"] = []
                for f in range(n):
                    t = f / (n - 1)  # travels the full distance between frame 0 and the last frame
                    cx = p["x0"] + p["dx"] * t; cy = p["y0"] + p["dy"] * t
                    p["pos"].append((cx, cy))
            if nobj == 2:
                a, b = placed
                overlap = False
                for f in range(n):
                    (ax, ay), (bx, by) = a["pos"][f], b["pos"][f]
                    gap = 2
                    if abs(ax - bx) < (a["s"] + b["s"]) / 2 + gap and abs(ay - by) < (a["s"] + b["s"]) / 2 + gap:
                        overlap = True; break
                if overlap:
                    continue
                # description order: middle frame; reject if the two readings of "middle" ((n-1)//2, n//2) disagree
                ms = {(n - 1) // 2, n // 2}
                orders = {a["pos"][mm][0] < b["pos"][mm][0] for mm in ms}
                if len(orders) > 1:
                    continue
            ok = True
            break
        if ok:
            break
    crf = r.randint(18, 28)
    blur = r.uniform(0, 1.0) if r.random() < 0.5 else 0.0
    nsig = r.uniform(0, 8.0) if r.random() < 0.5 else 0.0
    aa = r.random() < 0.5  # antialiased (4x supersampled) drawing or plain
    ss = 4 if aa else 1
    # background
    if bg == "noise":
        bgarr = rng.integers(200, 256, size=(H, W), dtype=np.uint8)
        bgimg = Image.fromarray(np.stack([bgarr] * 3, -1))
    else:
        v = {"white": 245, "black": 15, "gray": 128}[bg]
        bgimg = Image.new("RGB", (W, H), (v, v, v))
    frames = []
    for f in range(n):
        layer = Image.new("RGBA", (W * ss, H * ss), (0, 0, 0, 0))
        d = ImageDraw.Draw(layer)
        for p, o in zip(placed, objs):
            if not p["vis"][f]:
                continue
            cx, cy = p["pos"][f]
            draw_shape(d, o["shape"], cx * ss, cy * ss, p["s"] * ss, p["rot"], p["rgb"] + (255,), ss)
        if ss > 1:
            layer = layer.resize((W, H), Image.LANCZOS)
        im = bgimg.copy(); im.paste(layer, (0, 0), layer)
        if blur > 0:
            im = im.filter(ImageFilter.GaussianBlur(blur))
        a = np.asarray(im).astype(np.float32)
        if nsig > 0:
            a = a + rng.normal(0, nsig, a.shape)
        frames.append(np.clip(np.round(a), 0, 255).astype(np.uint8))
    dur = n / FPS
    # audio
    audio_text = None; ameta = None
    wav = None
    if r.random() < 0.5:
        for tries in range(60):
            text = sentence(r)
            a, meta = speak(r, text, tmpdir)
            start = r.uniform(0, 1.0)
            if start + len(a) / 16000 <= dur - 0.05:
                break
            # try a smaller start before redrawing
            if len(a) / 16000 <= dur - 0.05:
                start = r.uniform(0, dur - 0.05 - len(a) / 16000)
                break
        else:
            start = 0.0
        total = np.zeros(int(round(dur * 16000)) if start + len(a) / 16000 <= dur else int(start * 16000) + len(a) + 800)
        i0 = int(round(start * 16000)); total[i0:i0 + len(a)] = a
        nkind = r.choice(["none", "white", "pink"])
        snr = None
        if nkind != "none":
            snr = r.uniform(15, 40)
            ps = np.mean(a ** 2)
            nz = rng.standard_normal(len(total)) if nkind == "white" else pink(len(total), rng)
            nz = nz * math.sqrt(ps / (10 ** (snr / 10)))
            total = total + nz
        total = np.clip(np.round(total), -32768, 32767).astype(np.int16)
        import scipy.io.wavfile as wf
        wav = os.path.join(tmpdir, "track.wav"); wf.write(wav, 16000, total)
        audio_text = text
        ameta = dict(meta, start=round(start, 3), noise=nkind, snr=None if snr is None else round(snr, 1),
                     utt_len=round(len(a) / 16000, 3))
    ext = "webm" if webm else "mp4"
    name = f"clip_{idx:03d}.{ext}"
    path = os.path.join(outdir, name)
    cmd = ["ffmpeg", "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{W}x{H}", "-r", str(FPS),
           "-i", "-"]
    if wav:
        cmd += ["-i", wav]
    if webm:
        cmd += ["-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p", "-crf", str(crf), "-b:v", "0"]
        if wav:
            cmd += ["-c:a", "libopus", "-ar", "16000", "-ac", "1"]
    else:
        cmd += ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", str(crf), "-movflags", "+faststart"]
        if wav:
            cmd += ["-c:a", "aac", "-ar", "16000", "-ac", "1", "-b:a", "64k"]
    cmd += [path]
    subprocess.run(cmd, input=b"".join(fr.tobytes() for fr in frames), check=True)
    # labels
    mid = n // 2
    olab = []
    for p, o in zip(placed, objs):
        boxes = []
        for f in range(n):
            if not p["vis"][f]:
                boxes.append(None); continue
            cx, cy = p["pos"][f]; h = p["s"] / 2
            boxes.append([round(cx - h, 2), round(cy - h, 2), round(cx + h, 2), round(cy + h, 2)])
        olab.append(dict(shape=o["shape"], colour=o["colour"], motion=p["motion"], event=p["event"],
                         event_time=p["event_time"], boxes=boxes))

    def phrase(ol):
        if ol["event"]:
            return f"a {ol['colour']} {ol['shape']} {ol['event']}"
        if ol["motion"] == "still":
            return f"a {ol['colour']} {ol['shape']} stays still"
        return f"a {ol['colour']} {ol['shape']} moves {ol['motion']}"
    order = sorted(range(nobj), key=lambda i: placed[i]["pos"][mid][0])
    desc = " and ".join(phrase(olab[i]) for i in order)
    qa = []
    for ol in olab:
        qa.append(dict(question=f"which way does the {ol['colour']} {ol['shape']} move?",
                       answer="nowhere" if ol["motion"] == "still" else ol["motion"]))
    app = [ol for ol in olab if ol["event"] == "appears"]; dis = [ol for ol in olab if ol["event"] == "disappears"]
    qa.append(dict(question="what appears?", answer=f"{app[0]['colour']} {app[0]['shape']}" if app else "nothing"))
    qa.append(dict(question="what disappears?", answer=f"{dis[0]['colour']} {dis[0]['shape']}" if dis else "nothing"))
    qa.append(dict(question="how many shapes are there?", answer=["one", "two"][nobj - 1]))
    for ol in olab:
        if sum(1 for x in olab if x["shape"] == ol["shape"]) == 1:
            qa.append(dict(question=f"what color is the {ol['shape']}?", answer=ol["colour"]))
    qa.append(dict(question="describe the video.", answer=desc))
    for ol in olab:
        if ol["event"]:
            verb = "appear" if ol["event"] == "appears" else "disappear"
            qa.append(dict(question=f"when does the {ol['colour']} {ol['shape']} {verb}?", answer=f"{ol['event_time']:g}"))
    lab = dict(file=name, width=W, height=H, fps=FPS, frames=n, duration=dur, objects=olab, audio_text=audio_text,
               description=desc, qa=qa,
               _gen=dict(background=bg, container=ext, crf=crf, blur=round(blur, 3), noise_sigma=round(nsig, 3),
                         antialias=aa, audio=ameta, sizes=[round(p["s"], 2) for p in placed],
                         travel_frac=[round(p["frac"], 3) if p["motion"] != "still" else 0 for p in placed],
                         rgb=[p["rgb"] for p in placed], rot=[round(p["rot"], 2) for p in placed]))
    return lab


def main():
    outdir, N, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    start = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    os.makedirs(outdir, exist_ok=True)
    r = random.Random(seed)
    labs = []
    with tempfile.TemporaryDirectory() as td:
        for i in range(start, start + N):
            labs.append(make_clip(r, i, outdir, td))
    with open(os.path.join(outdir, "labels.jsonl"), "w") as fh:
        for l in labs:
            fh.write(json.dumps(l) + "\n")


if __name__ == "__main__":
    main()

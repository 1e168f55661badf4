#!/usr/bin/python3
"""Video world generator (shared/docs/zoo-worlds.md, "Video world"): short clips of the shapes world in motion.

    /usr/bin/python3 tools/zoo/video/world.py --seed S --count N --out DIR [--workers 2] [--no-encode]

writes DIR/<index>.mp4 (H.264, yuv420p, CRF 18..28; clips with index % 5 == 4 are DIR/<index>.webm, VP9) and
DIR/labels.jsonl, one JSON line per clip with exactly the world's schema:
{"file", "width", "height", "fps", "frames", "duration",
 "objects": [{"shape", "colour", "motion", "event", "event_time", "boxes"}], "audio_text", "description",
 "qa": [{"question", "answer"}]}
`boxes` holds one tight integer box [x0, y0, x1, y1) of the drawn shape per frame (null while invisible);
`objects` are listed in the description's order. Half of the clips carry a mono 16 kHz track with one English
utterance of the speech world (espeak-ng + sox, tools/zoo/speech/world.py; AAC in MP4, Vorbis in WebM), the other
half no audio stream. Clip i depends only on (S, i); its frames do not depend on whether audio is synthesised, so
training renders them in memory with `make_clip(seed, i, audio=False)` (or `--no-encode`: DIR/<index>.npy,
uint8 [frames, height, width, 3], no ffmpeg, no audio).

Choices the world leaves open (documented in models/README.md): the canvas width and height are even (96, 98 ..
192) because H.264 in yuv420p needs even sizes; frame count 16..32 (duration frames / 8 s); a moving object's
displacement between the first and the last frame is the 30..60% of the canvas side; an object is `still` with
probability 0.4, otherwise one of the four directions; a clip with a still object has an event with probability
0.6 (appears or disappears, on one of its still objects); two objects' centres in the middle frame differ by at
least 4 px horizontally, so the description's order is never a coin toss; the utterance ends inside the clip.
Moment questions (`when does the {colour} {shape} appear?` / `... disappear?`) are in `qa` with the event time in
seconds as the answer (e.g. "1.375").
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import wave

import numpy as np
from PIL import Image, ImageFilter

HERE = os.path.dirname(os.path.abspath(__file__))
ZOO = os.path.dirname(HERE)
sys.path.insert(0, ZOO)
import shapes  # noqa: E402


def _load_speech_world():
    """tools/zoo/speech/world.py under its own module name (this file is also called world.py)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("zoo_speech_world", os.path.join(ZOO, "speech", "world.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


speech = _load_speech_world()

FPS = 8
MIN_FRAMES, MAX_FRAMES = 16, 32          # 2.0 .. 4.0 s at 8 fps
MOTIONS = ["still", "left", "right", "up", "down"]
STILL_PROB = 0.4
EVENT_PROB = 0.6
ORDER_GAP = 4.0                          # px between the two centres in the middle frame
SR = speech.SR


def _frange(rng, lo, hi):
    return float(rng.uniform(lo, hi))


def _sample_object(rng, w, h, n_frames, allowed, taken, shape=None, motion=None):
    """Shape, colour, size, motion and a per-frame top-left track (floats) of one object; `shape` / `motion` ("still"
    or "moving") given fix them (and draw nothing for them)."""
    mn = min(w, h)
    fixed_shape = shape
    while True:
        shape = fixed_shape or shapes.SHAPES[int(rng.integers(len(shapes.SHAPES)))]
        colour = allowed[int(rng.integers(len(allowed)))]
        if (shape, colour) not in taken:  # two objects never share both colour and shape
            break
    # the drawn square's side; the tight box of the anti-aliased shape (pixels over half coverage) can be up to
    # ~2 px smaller (a star's thin tips), so the lower end is raised by 2 px: the tight box stays in 15%..25%
    side = 0.15 * mn + 2 + _frange(rng, 0.0, 1.0) * (0.10 * mn - 2)
    angle = _frange(rng, -15, 15) if shape in ("square", "cross") else 0.0
    rgb = tuple(int(np.clip(v + rng.integers(-20, 21), 0, 255)) for v in shapes.COLOURS[colour])
    if motion is None:
        motion = "still" if rng.random() < STILL_PROB else MOTIONS[1 + int(rng.integers(4))]
    elif motion == "moving":
        motion = MOTIONS[1 + int(rng.integers(4))]
    lo_x, hi_x = shapes.MARGIN, w - shapes.MARGIN - side
    lo_y, hi_y = shapes.MARGIN, h - shapes.MARGIN - side
    t = np.arange(n_frames) / (n_frames - 1)
    if motion == "still":
        xs = np.full(n_frames, _frange(rng, lo_x, hi_x))
        ys = np.full(n_frames, _frange(rng, lo_y, hi_y))
    elif motion in ("left", "right"):
        d = _frange(rng, 0.30, 0.60) * w
        start = _frange(rng, lo_x, hi_x - d)
        xs = start + d * t if motion == "right" else (start + d) - d * t
        ys = np.full(n_frames, _frange(rng, lo_y, hi_y))
    else:
        d = _frange(rng, 0.30, 0.60) * h
        start = _frange(rng, lo_y, hi_y - d)
        ys = start + d * t if motion == "down" else (start + d) - d * t
        xs = np.full(n_frames, _frange(rng, lo_x, hi_x))
    return {"shape": shape, "colour": colour, "motion": motion, "_side": side, "_angle": angle, "_rgb": rgb,
            "_xs": xs, "_ys": ys}


def _overlap(a, b, f):
    g = shapes.GAP
    ax, ay, bx, by, sa, sb = a["_xs"][f], a["_ys"][f], b["_xs"][f], b["_ys"][f], a["_side"], b["_side"]
    return not (ax + sa + g <= bx or bx + sb + g <= ax or ay + sa + g <= by or by + sb + g <= ay)


def _centre_x(o, f):
    return o["_xs"][f] + o["_side"] / 2


def _scene(rng, n_frames, same_shape=False):
    """Background and objects of a clip (rejection sampling until the world's constraints hold). same_shape: always
    two objects of one shape (colours differ), one still and one moving (the pairs whose motion a model must bind to
    the right colour: an outside checker found them answered at chance)."""
    while True:
        w, h = 2 * int(rng.integers(48, 97)), 2 * int(rng.integers(48, 97))
        bg = shapes.BACKGROUNDS[int(rng.integers(len(shapes.BACKGROUNDS)))]
        allowed = [c for c in shapes.COLOUR_NAMES if c != shapes.BG_FORBIDDEN[bg]]
        n = 2 if same_shape or rng.random() < 0.5 else 1
        objs = []
        first_still = same_shape and rng.random() < 0.5
        for k in range(n):
            fixed = {}
            if same_shape:
                fixed = {"shape": objs[0]["shape"] if objs else None, "motion": "still" if (k == 0) == first_still else "moving"}
            objs.append(_sample_object(rng, w, h, n_frames, allowed, {(o["shape"], o["colour"]) for o in objs}, **fixed))
        if n == 2:
            a, b = objs
            if any(_overlap(a, b, f) for f in range(n_frames)):
                continue
            mids = {(n_frames - 1) // 2, n_frames // 2}
            gaps = [_centre_x(a, f) - _centre_x(b, f) for f in mids]
            if min(abs(g) for g in gaps) < ORDER_GAP or (len(gaps) == 2 and gaps[0] * gaps[1] < 0):
                continue
        break
    visible = [np.ones(n_frames, bool) for _ in objs]
    for o in objs:
        o["event"], o["event_time"] = None, None
    stills = [k for k, o in enumerate(objs) if o["motion"] == "still"]
    if stills and rng.random() < EVENT_PROB:
        k = stills[int(rng.integers(len(stills)))]
        hidden = int(rng.integers(math.ceil(0.25 * n_frames), math.floor(0.45 * n_frames) + 1))
        if rng.random() < 0.5:
            objs[k]["event"] = "appears"
            visible[k][:hidden] = False
            first = hidden                     # first frame in which it is visible
        else:
            objs[k]["event"] = "disappears"
            visible[k][n_frames - hidden:] = False
            first = n_frames - hidden          # first frame in which it is invisible
        objs[k]["event_time"] = first / FPS
    for o, v in zip(objs, visible):
        o["_visible"] = v
    return w, h, bg, objs


def _render(rng, w, h, bg, objs, n_frames, noise_seed, only=None):
    """uint8 [frames, h, w, 3] with the clip's photometric noise; fills each object's `boxes`. Frame f's pixel noise
    comes from its own generator (noise_seed + [f]), so `only` (frame indices) renders exactly those frames."""
    if bg == "noise":
        g = rng.integers(200, 256, size=(h, w), dtype=np.int64).astype(np.uint8)
        base = np.repeat(g[..., None], 3, axis=2)
    else:
        base = np.empty((h, w, 3), np.uint8)
        base[:] = shapes.BG_RGB[bg]
    blur = _frange(rng, 0.0, 1.0) if rng.random() < 0.5 else None   # drawn once per clip
    sigma = _frange(rng, 0.0, 8.0) if rng.random() < 0.5 else None
    for o in objs:
        o["boxes"] = []
    which = range(n_frames) if only is None else [int(f) for f in only]
    frames = np.empty((len(which), h, w, 3), np.uint8)
    for j, f in enumerate(which):
        canvas = base.copy()
        for o in objs:
            d = {"_x0": float(o["_xs"][f]), "_y0": float(o["_ys"][f]), "_side": o["_side"], "_angle": o["_angle"],
                 "_rgb": o["_rgb"], "shape": o["shape"]}
            if o["_visible"][f]:
                o["boxes"].append(shapes.draw_object(canvas, rng, d))
            else:
                o["boxes"].append(None)
        img = Image.fromarray(canvas)
        if blur is not None:
            img = img.filter(ImageFilter.GaussianBlur(radius=blur))
        if sigma is not None:
            noise = np.random.default_rng(noise_seed + [f]).standard_normal((h, w, 3), dtype=np.float32)
            noise *= np.float32(sigma)
            noise += np.asarray(img, dtype=np.float32)
            noise += np.float32(0.5)
            np.clip(noise, 0, 255, out=noise)
            frames[j] = noise.astype(np.uint8)
        else:
            frames[j] = np.asarray(img)
    return frames


def phrase(o):
    m = o["motion"]
    if o["event"]:
        verb = o["event"]
    elif m == "still":
        verb = "stays still"
    else:
        verb = f"moves {m}"
    return f"a {o['colour']} {o['shape']} {verb}"


def _questions(objs, description):
    qa = []
    for o in objs:
        qa.append({"question": f"which way does the {o['colour']} {o['shape']} move?",
                   "answer": "nowhere" if o["motion"] == "still" else o["motion"]})
    for ev, q in (("appears", "what appears?"), ("disappears", "what disappears?")):
        hit = [o for o in objs if o["event"] == ev]
        qa.append({"question": q, "answer": f"{hit[0]['colour']} {hit[0]['shape']}" if hit else "nothing"})
    qa.append({"question": "how many shapes are there?", "answer": ["one", "two"][len(objs) - 1]})
    names = [o["shape"] for o in objs]
    for o in objs:
        if names.count(o["shape"]) == 1:
            qa.append({"question": f"what color is the {o['shape']}?", "answer": o["colour"]})
    qa.append({"question": "describe the video.", "answer": description})
    for o in objs:  # moment search: the event time in seconds
        if o["event"]:
            verb = "appear" if o["event"] == "appears" else "disappear"
            qa.append({"question": f"when does the {o['colour']} {o['shape']} {verb}?",
                       "answer": str(round(o["event_time"], 3))})
    return qa


def _audio(seed, index, duration):
    """(int16 mono 16 kHz track of exactly `duration` s, text): one English utterance of the speech world whose
    speech starts 0..1 s into the clip and ends inside it, with the speech world's noise."""
    rng = np.random.default_rng([seed, index, 1])
    while True:
        u = speech.sample_utterance(rng, "en")
        sp = speech.synthesize(u)
        a, b = speech.speech_bounds(sp)
        length = (b - a) / SR
        if 1.0 <= length <= 8.0 and length <= duration - 0.05:
            break
    start = _frange(rng, 0.0, min(1.0, duration - length - 0.05))
    n = int(round(duration * SR))
    x = np.zeros(n, np.float32)
    off = int(round(start * SR)) - a         # the first speech sample lands at `start`
    lo, hi = max(0, off), min(n, off + len(sp))
    x[lo:hi] = sp[lo - off:hi - off]
    active = np.zeros(n, bool)
    active[max(0, off + a):min(n, off + b)] = True
    x, _, _ = speech.add_noise(rng, x, active)
    return speech.to_int16(x), u["text"]


def make_clip(seed, index, audio=True, only=None, same_shape=False):
    """(frames uint8 [n, h, w, 3], record without `file`, audio int16 or None, encoding {container, crf, has_audio}).
    With audio=False the utterance is not synthesised (audio None, `audio_text` null): the frames and the record's
    visual fields are identical either way. `only` (frame indices, or a function of the frame count returning them;
    for training) renders just those frames, the
    same pixels as in the full clip; the record's `boxes` then list those frames only. same_shape: see _scene (another
    world's draw: clip i differs from the default clip i)."""
    rng = np.random.default_rng([seed, index, 0])
    n_frames = int(rng.integers(MIN_FRAMES, MAX_FRAMES + 1))
    duration = n_frames / FPS
    w, h, bg, objs = _scene(rng, n_frames, same_shape)
    if callable(only):
        only = only(n_frames)
    frames = _render(rng, w, h, bg, objs, n_frames, [seed, index, 2], only)
    mid = n_frames // 2
    objs.sort(key=lambda o: _centre_x(o, mid))   # centre further left in the middle frame first
    description = " and ".join(phrase(o) for o in objs)
    has_audio = bool(rng.random() < 0.5)
    crf = int(rng.integers(18, 29))
    container = "webm" if index % 5 == 4 else "mp4"
    track, text = (None, None)
    if has_audio and audio:
        track, text = _audio(seed, index, duration)
    public = [{"shape": o["shape"], "colour": o["colour"], "motion": o["motion"], "event": o["event"],
               "event_time": o["event_time"], "boxes": o["boxes"]} for o in objs]
    record = {"width": w, "height": h, "fps": FPS, "frames": n_frames, "duration": duration, "objects": public,
              "audio_text": text, "description": description, "qa": _questions(public, description)}
    return frames, record, track, {"container": container, "crf": crf, "has_audio": has_audio}


def encode(path, frames, track, container, crf):
    """Frames (rgb24) and an optional int16 track through the ffmpeg binary: H.264 yuv420p + AAC in MP4, or VP9
    yuv420p + Vorbis in WebM, 8 fps, one thread (deterministic)."""
    n, h, w, _ = frames.shape
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
           "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(FPS), "-i", "pipe:0"]
    tmp = None
    if track is not None:
        tmp = tempfile.NamedTemporaryFile(suffix=".wav", delete=False)
        tmp.close()
        with wave.open(tmp.name, "wb") as wf:
            wf.setnchannels(1)
            wf.setsampwidth(2)
            wf.setframerate(SR)
            wf.writeframes(track.tobytes())
        cmd += ["-i", tmp.name]
    if container == "mp4":
        cmd += ["-c:v", "libx264", "-preset", "medium", "-crf", str(crf), "-pix_fmt", "yuv420p",
                "-threads", "1", "-movflags", "+faststart"]
        audio = ["-c:a", "aac", "-b:a", "48k"]
    else:
        cmd += ["-c:v", "libvpx-vp9", "-crf", str(crf), "-b:v", "0", "-pix_fmt", "yuv420p", "-deadline", "good",
                "-cpu-used", "4", "-row-mt", "0", "-threads", "1"]
        audio = ["-c:a", "libvorbis", "-q:a", "3"]
    if track is not None:
        cmd += audio + ["-ar", str(SR), "-ac", "1"]
    else:
        cmd += ["-an"]
    cmd += ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", path]
    try:
        subprocess.run(cmd, input=np.ascontiguousarray(frames).tobytes(), check=True, capture_output=True)
    except subprocess.CalledProcessError as e:
        raise RuntimeError(f"ffmpeg failed for {path}: {e.stderr.decode(errors='replace')}") from None
    finally:
        if tmp is not None:
            os.unlink(tmp.name)


def _job(args):
    seed, i, out, no_encode, same_shape = args
    frames, rec, track, enc = make_clip(seed, i, audio=not no_encode, same_shape=same_shape)
    if no_encode:
        name = f"{i:06d}.npy"
        np.save(os.path.join(out, name), frames)
    else:
        name = f"{i:06d}.{enc['container']}"
        encode(os.path.join(out, name), frames, track, enc["container"], enc["crf"])
    return {"file": name, **rec}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--start", type=int, default=0, help="first index (for splitting work)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--no-encode", action="store_true",
                    help="write the rendered frames as .npy (no ffmpeg, no audio) instead of MP4/WebM files")
    ap.add_argument("--same-shape", action="store_true",
                    help="every clip two objects of one shape, one still and one moving (a training / check subset)")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    jobs = [(args.seed, i, args.out, args.no_encode, args.same_shape) for i in range(args.start, args.start + args.count)]
    if args.workers > 1:
        from multiprocessing import Pool
        with Pool(args.workers) as p:
            recs = p.map(_job, jobs, chunksize=2)
    else:
        recs = [_job(j) for j in jobs]
    name = "labels.jsonl" if args.start == 0 else f"labels.{args.start}.jsonl"
    with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

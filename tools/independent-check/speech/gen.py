#!/usr/bin/python3
"""Independent generator for the "Speech world" (docs/zoo-worlds.md), written from the spec only.

Usage: /usr/bin/python3 gen.py --seed 4242 --out data
Writes data/short/*.wav, data/nospeech/*.wav, data/long/*.wav and data/manifest.json.
"""
import argparse, json, os, random, subprocess, tempfile
import numpy as np
import scipy.io.wavfile as wavfile

SR = 16000
COLOURS = ["red", "green", "blue", "yellow", "purple", "orange", "white", "black"]
SHAPES = ["circle", "square", "triangle", "star", "cross"]
PLURALS = {"circle": "circles", "square": "squares", "triangle": "triangles", "star": "stars", "cross": "crosses"}
VERBS = ["pick up", "put down", "move", "find", "show", "hide"]
DIRS = ["left", "right", "top", "bottom"]
UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty"}
VARIANTS = [f"m{i}" for i in range(1, 8)] + [f"f{i}" for i in range(1, 5)]

SHAPE_ES = {"circle": ("círculo", "m"), "square": ("cuadrado", "m"), "triangle": ("triángulo", "m"),
            "star": ("estrella", "f"), "cross": ("cruz", "f")}
COLOUR_ES = {"red": ("rojo", "roja"), "green": ("verde", "verde"), "blue": ("azul", "azul"),
             "yellow": ("amarillo", "amarilla"), "purple": ("morado", "morada"), "orange": ("naranja", "naranja"),
             "white": ("blanco", "blanca"), "black": ("negro", "negra")}
DIR_ES = {"left": "izquierda", "right": "derecha"}


def number_words(n):
    if n < 10:
        return UNITS[n]
    if n < 20:
        return TEENS[n - 10]
    t, u = divmod(n, 10)
    return TENS[t] if u == 0 else f"{TENS[t]} {UNITS[u]}"


# ---------- sentence grammar ----------
def en_sentence(rng, template):
    c, s = rng.choice(COLOURS), rng.choice(SHAPES)
    if template == "verb":
        return f"{rng.choice(VERBS)} the {c} {s}"
    if template == "moveto":
        return f"move the {c} {s} to the {rng.choice(DIRS)}"
    if template == "thereare":
        return f"there are {number_words(rng.randint(2, 20))} {c} {PLURALS[s]}"
    if template == "timer":
        return f"set a timer for {number_words(rng.randint(1, 60))} minutes"
    if template == "call":
        return "call " + " ".join(UNITS[rng.randint(0, 9)] for _ in range(4))
    if template == "light":
        return f"turn {rng.choice(['on', 'off'])} the {c} light"
    if template == "door":
        return f"{rng.choice(['open', 'close'])} the door"
    raise ValueError(template)


def es_sentence(rng, template):
    """returns (spanish, english meaning)"""
    c = rng.choice(COLOURS)
    if template == "mueve":
        s = rng.choice(SHAPES)
        noun, g = SHAPE_ES[s]
        art = "el" if g == "m" else "la"
        col = COLOUR_ES[c][0 if g == "m" else 1]
        d = rng.choice(["left", "right"])
        return f"mueve {art} {noun} {col} a la {DIR_ES[d]}", f"move the {c} {s} to the {d}"
    if template == "luz":
        on = rng.random() < 0.5
        col = COLOUR_ES[c][1]  # la luz: feminine
        return (f"{'enciende' if on else 'apaga'} la luz {col}", f"turn {'on' if on else 'off'} the {c} light")
    if template == "puerta":
        op = rng.random() < 0.5
        return ("abre la puerta", "open the door") if op else ("cierra la puerta", "close the door")
    raise ValueError(template)


# ---------- audio ----------
def synth(text, voice, speed, pitch, resampler, tmpdir):
    raw = os.path.join(tmpdir, "raw.wav")
    out = os.path.join(tmpdir, "r16.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", raw, text], check=True)
    if resampler == "sox":
        subprocess.run(["sox", raw, "-r", str(SR), "-c", "1", "-b", "16", out], check=True)
    else:
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", raw, "-ar", str(SR), "-ac", "1",
                        "-sample_fmt", "s16", out], check=True)
    r, x = wavfile.read(out)
    assert r == SR
    return x.astype(np.float64) / 32768.0


THRESH = 1e-3  # "noise floor" of the clean synthesised audio (espeak tails are ~1e-4)


def trim(x):
    idx = np.nonzero(np.abs(x) > THRESH)[0]
    return x[idx[0]: idx[-1] + 1]


def alt_bounds(x, frac=0.01):
    """first/last sample above frac * peak of the (already trimmed) clean utterance, in samples"""
    idx = np.nonzero(np.abs(x) > frac * np.abs(x).max())[0]
    return int(idx[0]), int(idx[-1]) + 1


def pink(n, rng_np):
    w = rng_np.standard_normal(n)
    f = np.fft.rfft(w)
    freqs = np.fft.rfftfreq(n, 1.0 / SR)
    scale = np.ones_like(freqs)
    scale[1:] = 1.0 / np.sqrt(freqs[1:])
    scale[0] = 0
    p = np.fft.irfft(f * scale, n)
    return p / np.sqrt((p ** 2).mean())


def noise(kind, n, rng_np):
    if kind == "white":
        return rng_np.standard_normal(n)
    return pink(n, rng_np)


def add_noise(x, speech_rms, kind, snr, rng_np):
    if kind == "none":
        return x
    nz = noise(kind, len(x), rng_np)
    nz *= speech_rms / (10 ** (snr / 20.0))
    return x + nz


def write(path, x):
    y = np.clip(np.round(x * 32767.0), -32768, 32767).astype(np.int16)
    wavfile.write(path, SR, y)


def pick_voice(rng, lang):
    base = "es" if lang == "es" else rng.choice(["en-us", "en"])
    var = rng.choice(VARIANTS)
    return base, var


def pick_noise(rng):
    kind = rng.choice(["none", "white", "pink"])
    snr = round(rng.uniform(15, 40), 1) if kind != "none" else None
    return kind, snr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--out", default="data")
    ap.add_argument("--n-en", type=int, default=90)
    ap.add_argument("--n-es", type=int, default=30)
    ap.add_argument("--n-nospeech", type=int, default=8)
    ap.add_argument("--n-long", type=int, default=4)
    ap.add_argument("--long-es", type=float, default=0.0, help="share of long files in Spanish")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    rng_np = np.random.default_rng(a.seed)
    for d in ("short", "nospeech", "long"):
        os.makedirs(os.path.join(a.out, d), exist_ok=True)
    tmpdir = tempfile.mkdtemp()
    man = {"seed": a.seed, "short": [], "nospeech": [], "long": []}

    en_templates = (["verb"] * 20 + ["moveto"] * 12 + ["thereare"] * 14 + ["timer"] * 16 +
                    ["call"] * 12 + ["light"] * 10 + ["door"] * 6)
    es_templates = ["mueve"] * 14 + ["luz"] * 10 + ["puerta"] * 6
    en_templates = (en_templates * 10)[: a.n_en]
    es_templates = (es_templates * 10)[: a.n_es]
    jobs = [("en", t) for t in en_templates] + [("es", t) for t in es_templates]

    def make_utt(lang, t, voice=None, speed=None, pitch=None):
        if lang == "en":
            text, meaning = en_sentence(rng, t), None
        else:
            text, meaning = es_sentence(rng, t)
        base, var = voice or pick_voice(rng, lang)
        speed = speed or rng.randint(130, 210)
        pitch = pitch if pitch is not None else rng.randint(30, 70)
        resampler = rng.choice(["sox", "ffmpeg"])
        x = trim(synth(text, f"{base}+{var}", speed, pitch, resampler, tmpdir))
        return dict(text=text, meaning=meaning, lang=lang, template=t, voice=base, variant=var,
                    speed=speed, pitch=pitch, resampler=resampler), x

    for i, (lang, t) in enumerate(jobs):
        for _attempt in range(10):
            meta, x = make_utt(lang, t)
            lead, trail = rng.uniform(0.1, 1.0), rng.uniform(0.1, 1.0)
            total = len(x) / SR + lead + trail
            if 1.0 <= total <= 8.0:
                break
        rms = np.sqrt((x ** 2).mean())
        kind, snr = pick_noise(rng)
        y = np.concatenate([np.zeros(int(lead * SR)), x, np.zeros(int(trail * SR))])
        y = add_noise(y, rms, kind, snr, rng_np)
        name = f"{lang}_{i:03d}_{t}.wav"
        write(os.path.join(a.out, "short", name), y)
        meta.update(file=f"short/{name}", noise=kind, snr=snr, lead=round(lead, 3), trail=round(trail, 3),
                    speech_start=round(int(lead * SR) / SR, 4),
                    speech_end=round((int(lead * SR) + len(x)) / SR, 4), duration=round(len(y) / SR, 3))
        man["short"].append(meta)
        print(name, meta["voice"], meta["variant"], meta["speed"], meta["pitch"], kind, snr, "|", meta["text"], flush=True)

    # no-speech: digital silence, white/pink noise at levels comparable to 15..40 dB below typical speech
    kinds = ["silence", "white", "pink", "white", "pink", "silence", "pink", "white"]
    for i in range(a.n_nospeech):
        kind = kinds[i % len(kinds)]
        dur = rng.uniform(2, 8)
        y = np.zeros(int(dur * SR))
        snr = None
        if kind != "silence":
            snr = round(rng.uniform(15, 40), 1)
            y = add_noise(y, 0.1, kind, snr, rng_np)  # 0.1 ~ espeak speech rms
        name = f"nospeech_{i:02d}_{kind}.wav"
        write(os.path.join(a.out, "nospeech", name), y)
        man["nospeech"].append(dict(file=f"nospeech/{name}", noise=kind, snr=snr, duration=round(dur, 3)))
        print(name, flush=True)

    # long-form: one speaker (voice+variant) per file, speed/pitch drawn per utterance; English
    all_en = ["verb", "moveto", "thereare", "timer", "call", "light", "door"]
    all_es = ["mueve", "luz", "puerta"]
    for i in range(a.n_long):
        lang = "es" if rng.random() < a.long_es else "en"
        for _attempt in range(40):
            voice = pick_voice(rng, lang)
            n = rng.randint(4, 20)
            utts = [make_utt(lang, rng.choice(all_en if lang == "en" else all_es), voice=voice) for _ in range(n)]
            pauses = [rng.uniform(0.3, 3.0) for _ in range(n - 1)]
            lead, trail = rng.uniform(0.1, 1.0), rng.uniform(0.1, 1.0)
            total = lead + trail + sum(len(x) for _, x in utts) / SR + sum(pauses)
            if 30 <= total <= 120:
                break
        kind, snr = pick_noise(rng)
        parts, refs, pos = [np.zeros(int(lead * SR))], [], int(lead * SR)
        rms_all = []
        for k, (meta, x) in enumerate(utts):
            a0, a1 = alt_bounds(x)
            refs.append(dict(text=meta["text"], meaning=meta["meaning"], template=meta["template"], speed=meta["speed"],
                             pitch=meta["pitch"], start=round(pos / SR, 4), end=round((pos + len(x)) / SR, 4),
                             start_1pct=round((pos + a0) / SR, 4), end_1pct=round((pos + a1) / SR, 4),
                             pause_before=round(pauses[k - 1], 3) if k else None,
                             pause_after=round(pauses[k], 3) if k < len(pauses) else None))
            parts.append(x)
            rms_all.append(x)
            pos += len(x)
            if k < len(pauses):
                z = int(pauses[k] * SR)
                parts.append(np.zeros(z))
                pos += z
        parts.append(np.zeros(int(trail * SR)))
        y = np.concatenate(parts)
        rms = np.sqrt((np.concatenate(rms_all) ** 2).mean())
        y = add_noise(y, rms, kind, snr, rng_np)
        name = f"long_{i:02d}.wav"
        write(os.path.join(a.out, "long", name), y)
        man["long"].append(dict(file=f"long/{name}", lang=lang, voice=voice[0], variant=voice[1], noise=kind, snr=snr,
                                duration=round(len(y) / SR, 3), utterances=refs))
        print(name, voice, kind, snr, len(refs), round(len(y) / SR, 1), flush=True)

    with open(os.path.join(a.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(man, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()

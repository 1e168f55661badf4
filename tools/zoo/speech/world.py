"""The speech world of shared/docs/zoo-worlds.md: grammar, espeak-ng + sox synthesis, noise, long-form.

Everything random takes an explicit numpy Generator so a (seed, index) pair always yields the same
clip, whichever process synthesises it.
"""
import os
import subprocess

import numpy as np

SR = 16000

COLOURS = ["red", "green", "blue", "yellow", "purple", "orange", "white", "black"]
SHAPES = ["circle", "square", "triangle", "star", "cross"]
PLURALS = {"circle": "circles", "square": "squares", "triangle": "triangles", "star": "stars", "cross": "crosses"}
VERBS = ["pick up", "put down", "move", "find", "show", "hide"]
DIRECTIONS = ["left", "right", "top", "bottom"]
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]
TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty"}

# Spanish: (noun, gender); colours as (masculine, feminine).
SHAPES_ES = {"circle": ("círculo", "m"), "square": ("cuadrado", "m"), "triangle": ("triángulo", "m"),
             "star": ("estrella", "f"), "cross": ("cruz", "f")}
COLOURS_ES = {"red": ("rojo", "roja"), "green": ("verde", "verde"), "blue": ("azul", "azul"),
              "yellow": ("amarillo", "amarilla"), "purple": ("morado", "morada"),
              "orange": ("naranja", "naranja"), "white": ("blanco", "blanca"), "black": ("negro", "negra")}

VARIANTS = [f"m{i}" for i in range(1, 8)] + [f"f{i}" for i in range(1, 5)]
EN_VOICES = ["en-us", "en"]


def number_words(n):
    if n < 10:
        return UNITS[n]
    if n < 20:
        return TEENS[n - 10]
    t, u = divmod(n, 10)
    return TENS[t] + ("" if u == 0 else " " + UNITS[u])


def english_sentence(rng):
    kind = rng.integers(0, 8)
    c = COLOURS[rng.integers(len(COLOURS))]
    s = SHAPES[rng.integers(len(SHAPES))]
    if kind == 0:
        return f"{VERBS[rng.integers(len(VERBS))]} the {c} {s}"
    if kind == 1:
        return f"move the {c} {s} to the {DIRECTIONS[rng.integers(len(DIRECTIONS))]}"
    if kind == 2:
        return f"there are {number_words(int(rng.integers(2, 21)))} {c} {PLURALS[s]}"
    if kind == 3:
        return f"set a timer for {number_words(int(rng.integers(1, 61)))} minutes"
    if kind in (4, 5):
        return "call " + " ".join(DIGITS[rng.integers(10)] for _ in range(4))
    if kind == 6:
        return f"turn {'on' if rng.random() < 0.5 else 'off'} the {c} light"
    return "open the door" if rng.random() < 0.5 else "close the door"


def spanish_sentence(rng):
    """Returns (spanish text, english translation)."""
    kind = rng.integers(0, 5)
    c = COLOURS[rng.integers(len(COLOURS))]
    s = SHAPES[rng.integers(len(SHAPES))]
    if kind <= 1:
        noun, g = SHAPES_ES[s]
        colour = COLOURS_ES[c][0 if g == "m" else 1]
        art = "el" if g == "m" else "la"
        left = rng.random() < 0.5
        return (f"mueve {art} {noun} {colour} a la {'izquierda' if left else 'derecha'}",
                f"move the {c} {s} to the {'left' if left else 'right'}")
    if kind == 2:
        return f"enciende la luz {COLOURS_ES[c][1]}", f"turn on the {c} light"
    if kind == 3:
        return f"apaga la luz {COLOURS_ES[c][1]}", f"turn off the {c} light"
    return ("abre la puerta", "open the door") if rng.random() < 0.5 else ("cierra la puerta", "close the door")


def sample_utterance(rng, language):
    """Picks sentence and voice parameters: a dict that synthesize() turns into audio."""
    if language == "en":
        text = english_sentence(rng)
        translation = text
        voice = EN_VOICES[rng.integers(2)]
    else:
        text, translation = spanish_sentence(rng)
        voice = "es"
    return {"language": language, "text": text, "translation": translation,
            "voice": f"{voice}+{VARIANTS[rng.integers(len(VARIANTS))]}",
            "speed": int(rng.integers(130, 211)), "pitch": int(rng.integers(30, 71))}


def synthesize(u):
    """espeak-ng at its native rate, resampled by sox to 16 kHz mono 16-bit; returns float32 in [-1, 1]."""
    # ZOO_SPEECH_TOOLS: a folder with bin/{espeak-ng,sox}, lib/ and espeak-ng-data/ (a bundle of the
    # Debian binaries, used to synthesise training data on a machine without them); default: PATH.
    tools = os.environ.get("ZOO_SPEECH_TOOLS")
    espeak, sox, env, extra = "espeak-ng", "sox", None, []
    if tools:
        espeak, sox = os.path.join(tools, "bin", "espeak-ng"), os.path.join(tools, "bin", "sox")
        env = {"LD_LIBRARY_PATH": os.path.join(tools, "lib"), "PATH": "/usr/bin:/bin"}
        extra = ["--path=" + tools]
    cmd = [espeak] + extra + ["-v", u["voice"], "-s", str(u["speed"]), "-p", str(u["pitch"]), "--stdout", u["text"]]
    wav = subprocess.run(cmd, check=True, capture_output=True, env=env).stdout
    # -D: no dither, so the same clip comes out bit for bit every time
    out = subprocess.run([sox, "-D", "-t", "wav", "-", "-r", str(SR), "-c", "1", "-b", "16", "-e", "signed-integer",
                          "-t", "raw", "-"], input=wav, check=True, capture_output=True, env=env).stdout
    return np.frombuffer(out, dtype="<i2").astype(np.float32) / 32768.0


def speech_bounds(x):
    """First and last sample above the noise floor of the clean synthesised speech (1% of its peak)."""
    peak = float(np.max(np.abs(x))) if len(x) else 0.0
    idx = np.nonzero(np.abs(x) > max(peak * 0.01, 1e-4))[0]
    if len(idx) == 0:
        return 0, 0
    return int(idx[0]), int(idx[-1]) + 1


def make_noise(rng, n, kind):
    w = rng.standard_normal(n).astype(np.float64)
    if kind == "pink" and n > 1:
        spec = np.fft.rfft(w)
        f = np.arange(len(spec), dtype=np.float64)
        f[0] = 1.0
        w = np.fft.irfft(spec / np.sqrt(f), n)
    w /= max(np.sqrt(np.mean(w ** 2)), 1e-12)
    return w.astype(np.float32)


def add_noise(rng, x, active):
    """White or pink noise at an SNR of 15..40 dB relative to the speech RMS (or none, 1 in 4)."""
    r = rng.random()
    snr = float(rng.uniform(15, 40))
    if r < 0.25:
        return x, None, None
    kind = "white" if r < 0.625 else "pink"
    speech = x[active] if np.any(active) else x
    rms = float(np.sqrt(np.mean(speech.astype(np.float64) ** 2))) if len(speech) else 0.0
    return x + make_noise(rng, len(x), kind) * (rms / 10 ** (snr / 20)), kind, snr


def silence(rng):
    return np.zeros(int(round(rng.uniform(0.1, 1.0) * SR)), dtype=np.float32)


def to_int16(x):
    return np.clip(np.round(x * 32767.0), -32768, 32767).astype(np.int16)


def compose_short(rng, speech):
    """One utterance with leading/trailing silence and noise. Returns (audio, start_s, end_s, noise info)."""
    a, b = speech_bounds(speech)
    lead, trail = silence(rng), silence(rng)
    x = np.concatenate([lead, speech, trail])
    active = np.zeros(len(x), dtype=bool)
    active[len(lead) + a:len(lead) + b] = True
    x, kind, snr = add_noise(rng, x, active)
    return x, (len(lead) + a) / SR, (len(lead) + b) / SR, kind, snr


def compose_long(rng, speeches, speech_gaps=False):
    """Joins utterances with pauses of 0.3..3 s (plus edge silence) and noise over the whole file.
    By default each utterance keeps espeak-ng's own leading and trailing silence (0.1-0.5 s), so the silence
    between two utterances' speech is 0.5..3.5 s; with speech_gaps each is first cut to its speech (first to
    last sample above the noise floor), so the pause is the silence from one utterance's speech to the next,
    the reading of zoo-worlds.md under which pauses reach down to 0.3 s.
    Returns (audio, [(start_s, end_s)], noise kind, snr)."""
    parts, bounds, pos = [], [], 0
    lead = silence(rng)
    parts.append(lead)
    pos += len(lead)
    for i, sp in enumerate(speeches):
        if i > 0:
            p = np.zeros(int(round(rng.uniform(0.3, 3.0) * SR)), dtype=np.float32)
            parts.append(p)
            pos += len(p)
        a, b = speech_bounds(sp)
        if speech_gaps:
            sp, a, b = sp[a:b], 0, b - a
        bounds.append((pos + a, pos + b))
        parts.append(sp)
        pos += len(sp)
    parts.append(silence(rng))
    x = np.concatenate(parts)
    active = np.zeros(len(x), dtype=bool)
    for a, b in bounds:
        active[a:b] = True
    x, kind, snr = add_noise(rng, x, active)
    return x, [(a / SR, b / SR) for a, b in bounds], kind, snr


def no_speech_clip(rng):
    """Pure noise (white or pink, -60..-20 dBFS) or digital silence, 1..10 s."""
    n = int(round(rng.uniform(1.0, 10.0) * SR))
    r = rng.random()
    if r < 0.2:
        return np.zeros(n, dtype=np.float32), "silence"
    kind = "white" if r < 0.6 else "pink"
    level = 10 ** (rng.uniform(-60, -20) / 20)
    return make_noise(rng, n, kind) * level, kind

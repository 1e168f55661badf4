#!/usr/bin/python3
"""Synthesises clips of the speech world (shared/docs/zoo-worlds.md) with espeak-ng + sox.

  /usr/bin/python3 tools/zoo/speech.py --seed S --count N --out DIR [--long [--speech-gaps] | --nospeech]

Writes DIR/NNNNN.wav (16 kHz mono 16-bit) and DIR/labels.jsonl, one line per file:
  {"file", "language", "text", "translation", "duration", "segments": [{"start", "end", "text"}], ...}
`translation` is the English text (equal to `text` for English clips). Short clips hold one
utterance (segment times measured on the synthesised speech); --long files join 4..20 utterances
(30..120 s) with pauses of 0.3..3 s and list one segment per utterance (the pause follows espeak-ng's own trailing
silence; --speech-gaps cuts each utterance to its speech first, so the pause is speech to speech); --nospeech writes pure
noise or silence (language null, empty text, no segments). Clip i depends only on (seed, i, mode),
so the output is the same whatever --workers is.
"""
import argparse
import json
import os
import sys
import wave
from multiprocessing import Pool

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "speech"))
import numpy as np  # noqa: E402

import world  # noqa: E402

MODES = {"short": 1, "long": 2, "nospeech": 3}


def write_wav(path, x):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(world.SR)
        w.writeframes(world.to_int16(x).tobytes())


def rng_for(seed, index, mode):
    return np.random.default_rng([seed, MODES[mode], index])


def make_short(seed, i):
    rng = rng_for(seed, i, "short")
    lang = "en" if rng.random() < 0.65 else "es"
    u = world.sample_utterance(rng, lang)
    while True:  # the world's utterances are 1..8 s
        sp = world.synthesize(u)
        a, b = world.speech_bounds(sp)
        if 1.0 <= (b - a) / world.SR <= 8.0:
            break
        u = world.sample_utterance(rng, lang)
    x, start, end, kind, snr = world.compose_short(rng, sp)
    label = {"language": lang, "text": u["text"], "translation": u["translation"],
             "duration": round(len(x) / world.SR, 4),
             "segments": [{"start": round(start, 3), "end": round(end, 3), "text": u["text"]}],
             "voice": u["voice"], "speed": u["speed"], "pitch": u["pitch"], "noise": kind,
             "snr": None if snr is None else round(snr, 1)}
    return x, label


def make_long(seed, i, speech_gaps=False):
    rng = rng_for(seed, i, "long")
    lang = "en" if rng.random() < 0.75 else "es"
    target = rng.uniform(30, 120)
    utts, speeches, total = [], [], 1.1
    while len(utts) < 20 and (len(utts) < 4 or total < target):
        u = world.sample_utterance(rng, lang)
        sp = world.synthesize(u)
        a, b = world.speech_bounds(sp)
        if not 1.0 <= (b - a) / world.SR <= 8.0:
            continue
        if len(utts) >= 4 and total + len(sp) / world.SR + 3.0 > 119.0:
            break
        utts.append(u)
        speeches.append(sp)
        total += len(sp) / world.SR + 1.65
    while True:  # the estimate above uses the mean pause: recompose with one more utterance if short
        x, bounds, kind, snr = world.compose_long(rng, speeches, speech_gaps)
        if len(x) >= 30 * world.SR or len(utts) >= 20:
            break
        u = world.sample_utterance(rng, lang)
        sp = world.synthesize(u)
        a, b = world.speech_bounds(sp)
        if 1.0 <= (b - a) / world.SR <= 8.0:
            utts.append(u)
            speeches.append(sp)
    segs = [{"start": round(s, 3), "end": round(e, 3), "text": u["text"], "translation": u["translation"]}
            for (s, e), u in zip(bounds, utts)]
    label = {"language": lang, "text": " ".join(u["text"] for u in utts),
             "translation": " ".join(u["translation"] for u in utts),
             "duration": round(len(x) / world.SR, 4), "segments": segs, "noise": kind,
             "snr": None if snr is None else round(snr, 1)}
    return x, label


def make_nospeech(seed, i):
    rng = rng_for(seed, i, "nospeech")
    x, kind = world.no_speech_clip(rng)
    return x, {"language": None, "text": "", "translation": "", "duration": round(len(x) / world.SR, 4),
               "segments": [], "noise": kind}


MAKERS = {"short": make_short, "long": make_long, "nospeech": make_nospeech}


def job(args):
    mode, seed, i, out, speech_gaps = args
    x, label = make_long(seed, i, speech_gaps) if mode == "long" else MAKERS[mode](seed, i)
    name = f"{mode[0]}{i:05d}.wav"
    write_wav(os.path.join(out, name), x)
    return {"file": name, **label}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", required=True)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--long", action="store_true", help="long-form files (30..120 s, 4..20 utterances)")
    g.add_argument("--nospeech", action="store_true", help="pure noise or silence clips")
    ap.add_argument("--speech-gaps", action="store_true",
                    help="--long: measure each pause from one utterance's speech to the next (cut espeak-ng's silences)")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    if a.speech_gaps and not a.long:
        ap.error("--speech-gaps needs --long")
    mode = "long" if a.long else "nospeech" if a.nospeech else "short"
    os.makedirs(a.out, exist_ok=True)
    jobs = [(mode, a.seed, i, a.out, a.speech_gaps) for i in range(a.count)]
    if a.workers > 1:
        with Pool(a.workers) as p:
            labels = p.map(job, jobs, chunksize=4)
    else:
        labels = [job(j) for j in jobs]
    with open(os.path.join(a.out, "labels.jsonl"), "w", encoding="utf-8") as f:
        for lab in labels:
            f.write(json.dumps(lab, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

"""Loading helpers shared by eval.py, parity.py and fixtures.py."""
import json
import os
import wave

import numpy as np
import torch

import tok as tokmod
from model import TinyWhisper


def read_wav(path):
    with wave.open(path, "rb") as w:
        assert w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0


def load_labels(d):
    with open(os.path.join(d, "labels.jsonl"), encoding="utf-8") as f:
        return [json.loads(l) for l in f]


def load_model(ckpt):
    st = torch.load(ckpt, map_location="cpu")
    m = TinyWhisper(st["cfg"])
    m.load_state_dict(st["model"])
    return m.eval(), st


def load_folder(model_dir):
    j = lambda n: json.load(open(os.path.join(model_dir, n), encoding="utf-8"))  # noqa: E731
    pre = j("preprocessor_config.json")
    gen = j("generation_config.json")
    gen["n_samples"] = pre["n_samples"]
    tk = tokmod.load(os.path.join(model_dir, "tokenizer.json"), pre["chunk_length"])
    return j("config.json"), gen, pre, tk


def wer_counts(ref, hyp):
    r, h = ref.split(), hyp.split()
    d = list(range(len(h) + 1))
    for i in range(1, len(r) + 1):
        prev, d[0] = d[0], i
        for k in range(1, len(h) + 1):
            cur = min(d[k] + 1, d[k - 1] + 1, prev + (r[i - 1] != h[k - 1]))
            prev, d[k] = d[k], cur
    return d[len(h)], len(r)

"""Loading helpers shared by eval.py, parity.py and fixtures.py."""
import json
import os
import wave

import numpy as np
import torch

import tok as tokmod
from metrics import wer_counts  # noqa: F401 (common.wer_counts for the zoo scripts)
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



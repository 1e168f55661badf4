"""Byte-level BPE in Whisper's layout, trained on the speech world's text.

Ids: BPE vocabulary (256 byte symbols, then merges), then Whisper's special tokens in Whisper's
order, then the timestamp tokens <|0.00|> .. <|chunk|> every 0.02 s as non-special added tokens.
"""
import json
from collections import Counter

import numpy as np
import regex

import world

PAT = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")
LANGS = ["en", "es"]
SPECIALS = (["<|endoftext|>", "<|startoftranscript|>"] + [f"<|{l}|>" for l in LANGS]
            + ["<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nospeech|>",
               "<|notimestamps|>"])


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


B2U = bytes_to_unicode()
U2B = {v: k for k, v in B2U.items()}


def pretokenize(text):
    return ["".join(B2U[b] for b in m.encode("utf-8")) for m in PAT.findall(text)]


def corpus(seed=0, n=20000):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        out.append(" " + world.english_sentence(rng))
        es, en = world.spanish_sentence(rng)
        out += [" " + es, " " + en]
    return out


def train_bpe(texts, max_merges=2000):
    words = Counter(w for t in texts for w in pretokenize(t))
    splits = {w: list(w) for w in words}
    merges = []
    while len(merges) < max_merges:
        pairs = Counter()
        for w, c in words.items():
            s = splits[w]
            for a, b in zip(s, s[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        if best[1] < 2:
            break
        a, b = best[0]
        merges.append((a, b))
        for w in words:
            s, i, o = splits[w], 0, []
            while i < len(s):
                if i + 1 < len(s) and s[i] == a and s[i + 1] == b:
                    o.append(a + b)
                    i += 2
                else:
                    o.append(s[i])
                    i += 1
            splits[w] = o
    vocab = {B2U[b]: i for i, b in enumerate(sorted(B2U))}
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    return vocab, merges


class Tokenizer:
    def __init__(self, vocab, merges, chunk_length):
        self.vocab, self.merges = vocab, merges
        self.ranks = {m: i for i, m in enumerate(merges)}
        n = len(vocab)
        self.special = {t: n + i for i, t in enumerate(SPECIALS)}
        self.timestamp_begin = self.special["<|notimestamps|>"] + 1
        self.n_timestamps = int(round(chunk_length / 0.02)) + 1
        self.vocab_size = self.timestamp_begin + self.n_timestamps
        self.id_to_token = {i: t for t, i in vocab.items()}
        self.chunk_length = chunk_length
        self.ts_grid = 1  # training targets: timestamps rounded to multiples of this many 0.02 s steps

    def __getattr__(self, name):  # sot, eot, en, es, transcribe ... as attributes
        table = {"eot": "<|endoftext|>", "sot": "<|startoftranscript|>", "translate": "<|translate|>",
                 "transcribe": "<|transcribe|>", "sot_prev": "<|startofprev|>", "no_speech": "<|nospeech|>",
                 "no_timestamps": "<|notimestamps|>", "en": "<|en|>", "es": "<|es|>"}
        if name in table:
            return self.special[table[name]]
        raise AttributeError(name)

    def _bpe(self, w):
        s = list(w)
        while len(s) > 1:
            pairs = [(self.ranks.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(s, s[1:]))]
            r, i = min(pairs)
            if r == 1 << 30:
                break
            s = s[:i] + [s[i] + s[i + 1]] + s[i + 2:]
        return s

    def encode(self, text):
        return [self.vocab[p] for w in pretokenize(text) for p in self._bpe(w)]

    def decode(self, ids):
        s = "".join(self.id_to_token[i] for i in ids if i < len(self.vocab))
        return bytes(U2B[c] for c in s).decode("utf-8", errors="replace")

    def timestamp(self, t):
        k = int(round(t / (0.02 * self.ts_grid))) * self.ts_grid
        return self.timestamp_begin + int(min(max(k, 0), self.n_timestamps - 1))

    def to_json(self):
        added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                  "normalized": False, "special": True} for t, i in self.special.items()]
        added += [{"id": self.timestamp_begin + k, "content": f"<|{k * 0.02:.2f}|>", "single_word": False,
                   "lstrip": False, "rstrip": False, "normalized": False, "special": False}
                  for k in range(self.n_timestamps)]
        st = lambda t: {"SpecialToken": {"id": t, "type_id": 0}}  # noqa: E731
        special_map = {t: {"id": t, "ids": [self.special[t]], "tokens": [t]}
                       for t in ("<|startoftranscript|>", "<|notimestamps|>", "<|endoftext|>")}
        return {
            "version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [st("<|startoftranscript|>"), st("<|notimestamps|>"), {"Sequence": {"id": "A", "type_id": 0}},
                           st("<|endoftext|>")],
                "pair": [st("<|startoftranscript|>"), st("<|notimestamps|>"), {"Sequence": {"id": "A", "type_id": 0}},
                         {"Sequence": {"id": "B", "type_id": 1}}, st("<|endoftext|>")],
                "special_tokens": special_map},
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
            "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                      "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                      "vocab": self.vocab, "merges": [f"{a} {b}" for a, b in self.merges]},
        }


def build(chunk_length):
    vocab, merges = train_bpe(corpus())
    return Tokenizer(vocab, merges, chunk_length)


def save(tok, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(tok.to_json(), f, ensure_ascii=False, indent=2)


def load(path, chunk_length):
    j = json.load(open(path, encoding="utf-8"))
    merges = [tuple(m.split(" ")) for m in j["model"]["merges"]]
    return Tokenizer(j["model"]["vocab"], merges, chunk_length)

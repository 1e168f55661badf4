"""BPE tokenizers for the shapes world, written in the Hugging Face tokenizers JSON format.

Two real families are reproduced, trained on the world's (tiny, ASCII) text:
- CLIP: NFC + whitespace collapse + lowercase normalizer, the CLIP split regex, byte-level alphabet,
  `</w>` end-of-word suffix, <|startoftext|> ... <|endoftext|> added by a RobertaProcessing
  post-processor; ids 0..255 bytes, 256..511 bytes+`</w>`, then merges, then the two specials
  (so <|endoftext|> is the largest id, as in openai/clip: the text tower pools at argmax(input_ids)).
- GPT-2: byte-level pre-tokenizer (GPT-2 regex, no prefix space), ids 0..255 bytes, then merges,
  then the special tokens.
The Python encoders below are only used for training data; transformers.js checks that the JSON
encodes every world string to the same ids (tools/zoo/node/vision.mjs).
"""
import json
import re
from collections import Counter


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) + \
        list(range(ord("\xae"), ord("\xff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


B2U = bytes_to_unicode()
BYTE_SYMBOLS = list(B2U.values())  # vocabulary order of real GPT-2 / CLIP: printable bytes first

CLIP_SPLIT = r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"
GPT2_SPLIT = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
# ASCII equivalents for Python's `re` (the world's text is ASCII; asserted below)
_CLIP_RE = re.compile(r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[a-zA-Z]+|[0-9]|[^\sa-zA-Z0-9]+")
_GPT2_RE = re.compile(r"'s|'t|'re|'ve|'m|'ll|'d| ?[a-zA-Z]+| ?[0-9]+| ?[^\sa-zA-Z0-9]+|\s+(?!\S)|\s+")


def _symbols(word_bytes, suffix):
    syms = [B2U[b] for b in word_bytes]
    if suffix:
        syms[-1] = syms[-1] + suffix
    return syms


def learn_merges(word_counts, suffix):
    """Plain BPE: merge the most frequent pair until every word is one symbol (ties: lexicographic)."""
    words = {w: _symbols(w.encode("utf-8"), suffix) for w in word_counts}
    merges = []
    while True:
        pairs = Counter()
        for w, syms in words.items():
            for a, b in zip(syms, syms[1:]):
                pairs[(a, b)] += word_counts[w]
        if not pairs:
            return merges
        best = max(pairs.items(), key=lambda kv: (kv[1], tuple(-ord(c) for c in kv[0][0] + " " + kv[0][1])))[0]
        merges.append(best)
        for w, syms in words.items():
            out, i = [], 0
            while i < len(syms):
                if i + 1 < len(syms) and (syms[i], syms[i + 1]) == best:
                    out.append(syms[i] + syms[i + 1])
                    i += 2
                else:
                    out.append(syms[i])
                    i += 1
            words[w] = out


class BPE:
    def __init__(self, vocab, merges, suffix):
        self.vocab = vocab
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.suffix = suffix
        self.cache = {}

    def word(self, w):
        if w in self.cache:
            return self.cache[w]
        syms = _symbols(w.encode("utf-8"), self.suffix)
        while len(syms) > 1:
            pairs = [(self.ranks.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(syms, syms[1:]))]
            r, i = min(pairs)
            if r == 1 << 30:
                break
            syms = syms[:i] + [syms[i] + syms[i + 1]] + syms[i + 2:]
        ids = [self.vocab[s] for s in syms]
        self.cache[w] = ids
        return ids


class ClipTokenizer:
    def __init__(self, words):
        counts = Counter()
        for text in words:
            for w in _CLIP_RE.findall(" ".join(text.lower().split())):
                counts[w] += 1
        self.merges = learn_merges(counts, "</w>")
        vocab = {s: i for i, s in enumerate(BYTE_SYMBOLS + [s + "</w>" for s in BYTE_SYMBOLS])}
        for a, b in self.merges:
            vocab.setdefault(a + b, len(vocab))
        self.bos_id = len(vocab)
        self.eos_id = len(vocab) + 1
        self.vocab = vocab
        self.bpe = BPE(vocab, self.merges, "</w>")

    def encode(self, text):
        assert text.isascii()
        ids = [self.bos_id]
        for w in _CLIP_RE.findall(" ".join(text.lower().split())):
            ids += self.bpe.word(w)
        return ids + [self.eos_id]

    def to_json(self):
        vocab = dict(self.vocab)
        vocab["<|startoftext|>"] = self.bos_id
        vocab["<|endoftext|>"] = self.eos_id
        special = dict(single_word=False, lstrip=False, rstrip=False, normalized=True, special=True)
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [
                {"id": self.bos_id, "content": "<|startoftext|>", **special},
                {"id": self.eos_id, "content": "<|endoftext|>", **special},
            ],
            "normalizer": {"type": "Sequence", "normalizers": [
                {"type": "NFC"},
                {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "},
                {"type": "Lowercase"}]},
            "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": CLIP_SPLIT}, "behavior": "Removed", "invert": True},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
            "post_processor": {"type": "RobertaProcessing", "sep": ["<|endoftext|>", self.eos_id],
                               "cls": ["<|startoftext|>", self.bos_id], "trim_offsets": False,
                               "add_prefix_space": False},
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
            "model": {"type": "BPE", "dropout": None, "unk_token": "<|endoftext|>", "continuing_subword_prefix": "",
                      "end_of_word_suffix": "</w>", "fuse_unk": False, "byte_fallback": False,
                      "ignore_merges": False, "vocab": vocab, "merges": [f"{a} {b}" for a, b in self.merges]},
        }

    def config_json(self, max_len=77):
        return {
            "add_prefix_space": False,
            "bos_token": "<|startoftext|>",
            "clean_up_tokenization_spaces": False,
            "do_lower_case": True,
            "eos_token": "<|endoftext|>",
            "errors": "replace",
            "model_max_length": max_len,
            "pad_token": "<|endoftext|>",
            "tokenizer_class": "CLIPTokenizer",
            "unk_token": "<|endoftext|>",
        }


class Gpt2Tokenizer:
    """GPT-2 byte-level BPE; `specials` become added tokens after the merges, in the given order."""

    def __init__(self, texts, specials):
        self.specials = list(specials)
        counts = Counter()
        for text in texts:
            for seg in self._segments(text):
                if seg in self.specials:
                    continue
                for w in _GPT2_RE.findall(seg):
                    counts[w] += 1
        self.merges = learn_merges(counts, "")
        vocab = {s: i for i, s in enumerate(BYTE_SYMBOLS)}
        for a, b in self.merges:
            vocab.setdefault(a + b, len(vocab))
        self.special_ids = {}
        for s in self.specials:
            self.special_ids[s] = len(vocab)
            vocab[s] = len(vocab)
        self.vocab = vocab
        self.bpe = BPE(vocab, self.merges, "")
        self.inv = {i: s for s, i in vocab.items()}
        self.u2b = {u: b for b, u in B2U.items()}

    def _segments(self, text):
        if not self.specials:
            return [text]
        pat = "(" + "|".join(re.escape(s) for s in self.specials) + ")"
        return [s for s in re.split(pat, text) if s]

    def encode(self, text):
        assert text.isascii()
        ids = []
        for seg in self._segments(text):
            if seg in self.special_ids:
                ids.append(self.special_ids[seg])
                continue
            for w in _GPT2_RE.findall(seg):
                ids += self.bpe.word(w)
        return ids

    def decode(self, ids, skip_special=True):
        out = []
        for i in ids:
            s = self.inv[i]
            if s in self.special_ids:
                if not skip_special:
                    out.append(s.encode("utf-8"))
                continue
            out.append(bytes(self.u2b[c] for c in s))
        return b"".join(out).decode("utf-8", errors="replace")

    def to_json(self):
        added = [{"id": self.special_ids[s], "content": s, "single_word": False, "lstrip": False,
                  "rstrip": False, "normalized": False, "special": True} for s in self.specials]
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": added,
            "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
            "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                      "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                      "vocab": self.vocab, "merges": [f"{a} {b}" for a, b in self.merges]},
        }


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=2)
        f.write("\n")

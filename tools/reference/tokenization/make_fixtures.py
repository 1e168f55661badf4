#!/usr/bin/python3
"""Writes the small tokenizer.json fixtures under tests/fixtures/Tokenization/.

Each fixture has the structure of a real model's tokenizer.json (the components Hugging Face's converters emit),
with a vocabulary cut down to what the tests need. Where model-contracts.md gives real ids (CLIP, BERT) the fixture
uses them. Run with Debian's Python: /usr/bin/python3 tools/reference/tokenization/make_fixtures.py
then regenerate the expected ids: node tools/reference/tokenization/expected.mjs
"""
import json
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
OUT = os.path.join(ROOT, "tests", "fixtures", "Tokenization")


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return bs, [chr(c) for c in cs]


def added(id_, content, special=True, normalized=None, lstrip=False, rstrip=False, single_word=False):
    return {"id": id_, "content": content, "single_word": single_word, "lstrip": lstrip, "rstrip": rstrip,
            "normalized": (not special) if normalized is None else normalized, "special": special}


def chain_merges(symbols):
    """Left-to-right merges that build one word from its symbols: ((a b) c) d ..."""
    merges, current = [], symbols[0]
    for s in symbols[1:]:
        merges.append((current, s))
        current = current + s
    return merges, current


def write(name, tokenizer, config):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False, indent=1)
        f.write("\n")
    with open(os.path.join(folder, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=1)
        f.write("\n")


def clip():
    # CLIP's vocabulary: the 256 byte characters in bytes_to_unicode order, the same with "</w>", merges, then
    # <|startoftext|> 49406 and <|endoftext|> 49407. Real ids from model-contracts.md for the contract words.
    _, chars = bytes_to_unicode()
    byte_enc = dict(zip(bytes_to_unicode()[0], chars))
    vocab = {c: i for i, c in enumerate(chars)}
    vocab.update({c + "</w>": 256 + i for i, c in enumerate(chars)})
    real = {"photo</w>": 1125, "of</w>": 539, "cat</w>": 2368, "hello</w>": 3306, "world</w>": 1002}
    words = ["photo", "of", "cat", "hello", "world", "dog", "two", "cats", "on", "the", "sofa", "painting", "café",
             "it", "don", "diagram", "of", "neural", "network"]
    merges, next_id = [], 45000
    for w in words:
        spelled = [byte_enc[b] for b in w.encode("utf-8")]
        symbols = spelled[:-1] + [spelled[-1] + "</w>"]
        for a, b in chain_merges(symbols)[0]:
            if (a, b) in merges:
                continue
            merges.append((a, b))
            tok = a + b
            if tok not in vocab:
                vocab[tok] = real.get(tok, next_id)
                if tok not in real:
                    next_id += 1
    vocab["<|startoftext|>"] = 49406
    vocab["<|endoftext|>"] = 49407
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(49406, "<|startoftext|>", normalized=True), added(49407, "<|endoftext|>", normalized=False)],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFC"},
            {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "},
            {"type": "Lowercase"}]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+"},
             "behavior": "Removed", "invert": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
        "post_processor": {"type": "RobertaProcessing", "sep": ["<|endoftext|>", 49407], "cls": ["<|startoftext|>", 49406],
                           "trim_offsets": False, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<|endoftext|>", "continuing_subword_prefix": "",
                  "end_of_word_suffix": "</w>", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": [[a, b] for a, b in merges]},
    }
    config = {"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>",
              "unk_token": "<|endoftext|>", "model_max_length": 77, "clean_up_tokenization_spaces": True,
              "tokenizer_class": "CLIPTokenizer"}
    write("clip", tokenizer, config)


def bert():
    # bert-base-uncased ids for the tokens the contracts and common punctuation need; others are placeholders.
    vocab = {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103, "!": 999, "'": 1005, ",": 1010,
             ".": 1012, "?": 1029, "a": 1037, "the": 1996, "s": 1055, "hello": 7592, "world": 2088}
    extra = ["un", "##want", "##ed", "runn", "##ing", "cafe", "naive", "中", "文", "##s", "t", "don", "it", "is",
             "##ly", "quick", "brown", "fox", "1", "2", "3", "##2", "##3", "newword", "he", "##llo", "wor", "##ld"]
    for i, t in enumerate(extra):
        vocab[t] = 20000 + i
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(0, "[PAD]"), added(100, "[UNK]"), added(101, "[CLS]"), added(102, "[SEP]"),
                         added(103, "[MASK]", lstrip=True),
                         added(20023, "newword", special=False, normalized=True)],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True, "strip_accents": None,
                       "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                      {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                    {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                                    {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                           "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [101], "tokens": ["[CLS]"]},
                                              "[SEP]": {"id": "[SEP]", "ids": [102], "tokens": ["[SEP]"]}}},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }
    config = {"cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", "unk_token": "[UNK]",
              "mask_token": "[MASK]", "do_lower_case": True, "model_max_length": 512,
              "clean_up_tokenization_spaces": True, "tokenizer_class": "BertTokenizer"}
    write("bert", tokenizer, config)


def llama():
    # SentencePiece BPE as Llama 2 exports it: ▁ for spaces via normalizers, byte fallback, bos-only template.
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        vocab["<0x%02X>" % b] = 3 + b
    next_id = 259
    merges = []
    for ch in "▁abcdefghijklmnopqrstuvwxyzHTWé,.!'":
        vocab.setdefault(ch, next_id)
        next_id += 1 if vocab[ch] == next_id else 0
    for w in ["▁Hello", "▁world", "▁the", "▁The", "▁cat", "▁is", "▁café", "▁tokenizer", "▁what"]:
        for a, b in chain_merges(list(w))[0]:
            if (a, b) not in merges:
                merges.append((a, b))
                if a + b not in vocab:
                    vocab[a + b] = next_id
                    next_id += 1
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(0, "<unk>"), added(1, "<s>"), added(2, "</s>"),
                         added(next_id, "<tag>", special=False, normalized=False, single_word=True)],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "▁"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
        "pre_tokenizer": None,
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                    {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
                           "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
            {"type": "ByteFallback"}, {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
                  "vocab": vocab, "merges": ["%s %s" % m for m in merges]},
    }
    config = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "add_bos_token": True,
              "add_eos_token": False, "clean_up_tokenization_spaces": False, "tokenizer_class": "LlamaTokenizer"}
    write("llama-bpe", tokenizer, config)


def t5():
    # SentencePiece Unigram with the Metaspace pre-tokenizer and decoder (T5 / ALBERT style), eos-only template.
    pieces = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁", -2.5)]
    for ch in "abcdefghijklmnpqruvwxyz.,!":  # o, s and t come with their own scores below
        pieces.append((ch, -6.0))
    words = [("▁the", -3.0), ("▁a", -3.2), ("▁cat", -7.0), ("▁ca", -8.0), ("t", -5.5), ("▁hello", -8.5),
             ("▁hell", -9.0), ("o", -5.0), ("▁world", -8.8), ("▁wor", -9.5), ("ld", -7.5), ("▁un", -6.5),
             ("believ", -10.0), ("able", -7.0), ("▁token", -9.0), ("izer", -8.0), ("s", -4.0), ("▁is", -5.0)]
    pieces.extend(words)
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(0, "<pad>"), added(1, "</s>"), added(2, "<unk>")],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFKC"}, {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]},
        "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                           "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}},
                                    {"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                           "special_tokens": {"</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}}},
        "decoder": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": 2, "vocab": [[p, s] for p, s in pieces], "byte_fallback": False},
    }
    config = {"eos_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>", "clean_up_tokenization_spaces": True,
              "tokenizer_class": "T5Tokenizer"}
    write("t5-unigram", tokenizer, config)


def wordlevel():
    # A WordLevel model behind the simpler normalizers and pre-tokenizers, with BertProcessing.
    words = ["[UNK]", "[CLS]", "[SEP]", "hello", "world", "cafe", "naive", "1", "2", "3", "4", ".", "!", "?", "it", "s",
             "'", "price", "is", "$", "42", "ok", "-", "well", "known"]
    vocab = {w: i for i, w in enumerate(words)}
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(1, "[CLS]"), added(2, "[SEP]")],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFD"}, {"type": "StripAccents"}, {"type": "Lowercase"},
            {"type": "Strip", "strip_left": True, "strip_right": True}]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Whitespace"}, {"type": "Digits", "individual_digits": True}]},
        "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 2], "cls": ["[CLS]", 1]},
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "[UNK]"},
    }
    write("wordlevel", tokenizer, {"unk_token": "[UNK]", "clean_up_tokenization_spaces": False})


if __name__ == "__main__":
    clip()
    bert()
    llama()
    t5()
    wordlevel()

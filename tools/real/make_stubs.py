#!/usr/bin/env python3
"""Contract stubs of real model exports (issue 24).

For a kit of ../shared/real-exports/<kit>/ (the small files of a published model, byte for byte), builds a model
folder: the kit's files copied unchanged plus onnx/*.onnx graphs with the real export's graph names, input and output
names, dtypes, static dimensions (the config's hidden sizes, heads, layers, vocabulary, mel bins, positions) and
dynamic axis names (docs: ../shared/real-exports/ONNX-IO.md), including merged decoders with use_cache_branch and every
past_key_values.* tensor. The insides are small and random: low-rank embedding and output tables, one real attention
over the cache and one over the encoder, everything else passed through, so each graph is a few MB and greedy decoding
still depends on the image or audio, on every prompt token and on the cache being handed back correctly.

    /usr/bin/python3 tools/real/make_stubs.py --kits ../shared/real-exports --out artifacts/real-stubs [KIT ...]

Needs numpy and onnx (Debian python3-numpy, python3-onnx); opset 17. The weights come from a fixed seed per kit, and the
folder is rebuilt only when this script or the kit changed (a stamp file records both), so tests can call it freely.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
F32, I64, BOOL = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
RANK = 8  # low-rank tables: [vocab, RANK] @ [RANK, hidden]


class Graph:
    """A graph (or an If branch) being built: nodes, initializers, inputs, outputs."""

    def __init__(self, rng, prefix="t"):
        self.rng, self.prefix = rng, prefix
        self.nodes, self.inits, self.inputs, self.outputs = [], [], [], []
        self.count = 0

    def name(self, hint):
        self.count += 1
        return f"{self.prefix}/{hint}_{self.count}"

    def op(self, op_type, inputs, outputs=1, hint=None, **attrs):
        names = [self.name(hint or op_type) for _ in range(outputs)] if isinstance(outputs, int) else list(outputs)
        self.nodes.append(helper.make_node(op_type, list(inputs), names, **attrs))
        return names[0] if len(names) == 1 else names

    def const(self, array, hint="w"):
        name = self.name(hint)
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def i64(self, values, hint="c"):
        return self.const(np.asarray(values, dtype=np.int64), hint)

    def f32(self, values, hint="c"):
        return self.const(np.asarray(values, dtype=np.float32), hint)

    def randn(self, *shape, scale=1.0, hint="w"):
        return self.const((self.rng.standard_normal(shape) * scale).astype(np.float32), hint)

    def input(self, name, elem, shape):
        self.inputs.append(helper.make_tensor_value_info(name, elem, shape))
        return name

    def output(self, source, name, elem, shape):
        self.nodes.append(helper.make_node("Identity", [source], [name]))
        self.outputs.append(helper.make_tensor_value_info(name, elem, shape))

    # building blocks -------------------------------------------------------------------------------------------
    def linear(self, x, n_in, n_out, rank=RANK):
        h = self.op("MatMul", [x, self.randn(n_in, rank, scale=1 / np.sqrt(n_in))])
        return self.op("MatMul", [h, self.randn(rank, n_out, scale=1 / np.sqrt(rank))])

    def embed(self, ids, vocab, hidden, table=None):
        table = table or self.randn(vocab, RANK, hint="table")
        rows = self.op("Gather", [table, ids])
        return self.op("MatMul", [rows, self.randn(RANK, hidden, scale=1 / np.sqrt(RANK))]), table

    def dim(self, x, axis):
        return self.op("Gather", [self.op("Shape", [x]), self.i64(axis)], axis=0)

    def heads(self, x, heads, head_dim):
        r = self.op("Reshape", [x, self.i64([0, 0, heads, head_dim])])
        return self.op("Transpose", [r], perm=[0, 2, 1, 3])

    def merge_heads(self, x):
        t = self.op("Transpose", [x], perm=[0, 2, 1, 3])
        return self.op("Reshape", [t, self.i64([0, 0, -1])])

    def attention(self, q, k, v, head_dim, additive_mask=None):
        kt = self.op("Transpose", [k], perm=[0, 1, 3, 2])
        s = self.op("Mul", [self.op("MatMul", [q, kt]), self.f32(1 / np.sqrt(head_dim))])
        if additive_mask is not None:
            s = self.op("Add", [s, additive_mask])
        return self.op("MatMul", [self.op("Softmax", [s], axis=-1), v])

    def rms(self, x):
        ms = self.op("ReduceMean", [self.op("Mul", [x, x])], axes=[-1], keepdims=1)
        return self.op("Div", [x, self.op("Sqrt", [self.op("Add", [ms, self.f32(1e-5)])])])

    def l2(self, x):
        ss = self.op("ReduceSum", [self.op("Mul", [x, x]), self.i64([-1])], keepdims=1)
        return self.op("Div", [x, self.op("Sqrt", [ss])])

    def proto(self, name):
        return helper.make_graph(self.nodes, name, self.inputs, self.outputs, self.inits)


def save(graph, path, doc):
    model = helper.make_model(graph.proto(os.path.basename(path)), opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="multimodal-sdk tools/real/make_stubs.py", doc_string=doc)
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def positions(g, start, length):
    """int64 [length] positions start .. start+length-1."""
    return g.op("Range", [start, g.op("Add", [start, length]), g.i64(1)])


def logits_head(g, h, hidden, vocab, table=None):
    """Low-rank output head; tied to the token table when one is given (Whisper, GPT-2)."""
    r = g.op("MatMul", [g.rms(h), g.randn(hidden, RANK, scale=2.0 / np.sqrt(hidden))])
    t = g.op("Transpose", [table], perm=[1, 0]) if table else g.randn(RANK, vocab)
    return g.op("MatMul", [r, t])


# ---------------------------------------------------------------------------------------------------------- CLIP
def clip(kit, out, config):
    text_cfg, vision_cfg = config["text_config"], config["vision_config"]
    vocab, width, max_pos = text_cfg["vocab_size"], text_cfg["hidden_size"], text_cfg["max_position_embeddings"]
    proj, patch, size = config["projection_dim"], vision_cfg["patch_size"], vision_cfg["image_size"]

    def text_tower(g, ids, mask=None):
        x, _ = g.embed(ids, vocab, width)
        n = g.dim(ids, 1)
        pos = positions(g, g.i64(0), n)
        x = g.op("Add", [x, g.embed(pos, max_pos, width)[0]])
        if mask is not None:
            x = g.op("Mul", [x, g.op("Unsqueeze", [g.op("Cast", [mask], to=F32), g.i64([2])])])
        # causal mean up to each position, pooled at the end token (argmax id, as CLIP of this vintage pools)
        count = g.op("Reshape", [g.op("Cast", [g.op("Add", [pos, g.i64(1)])], to=F32), g.i64([1, -1, 1])])
        causal = g.op("Div", [g.op("CumSum", [x, g.i64(1)]), count])
        eos = g.op("Unsqueeze", [g.op("ArgMax", [ids], axis=1, keepdims=0), g.i64([1])])
        pick = g.op("Cast", [g.op("Equal", [g.op("Unsqueeze", [pos, g.i64([0])]), eos])], to=F32)
        pooled = g.op("ReduceSum", [g.op("Mul", [causal, g.op("Unsqueeze", [pick, g.i64([2])])]), g.i64([1])], keepdims=0)
        return g.op("MatMul", [g.op("Tanh", [pooled]), g.randn(width, proj, scale=1 / np.sqrt(width))])

    def vision_tower(g, pixels):
        channels = 16
        conv = g.op("Conv", [pixels, g.randn(channels, 3, patch, patch, scale=1 / np.sqrt(3 * patch * patch))],
                    strides=[patch, patch])
        flat = g.op("Tanh", [g.op("Flatten", [conv], axis=1)])
        n = channels * (size // patch) ** 2
        return g.op("MatMul", [flat, g.randn(n, proj, scale=1 / np.sqrt(n))])

    def build(fn, seed):
        g = Graph(np.random.default_rng(seed))
        return g, fn(g)

    g = Graph(np.random.default_rng(1))
    ids = g.input("input_ids", I64, ["batch_size", "sequence_length"])
    g.output(text_tower(g, ids), "text_embeds", F32, ["batch_size", proj])
    save(g, f"{out}/onnx/text_model.onnx", "CLIPTextModelWithProjection contract stub")

    g = Graph(np.random.default_rng(2))
    px = g.input("pixel_values", F32, ["batch_size", "num_channels", "height", "width"])
    g.output(vision_tower(g, px), "image_embeds", F32, ["batch_size", proj])
    save(g, f"{out}/onnx/vision_model.onnx", "CLIPVisionModelWithProjection contract stub")

    # model.onnx: the same towers (same seeds, so the same weights) plus CLIP's scaled cosine logits
    g = Graph(np.random.default_rng(1))
    ids = g.input("input_ids", I64, ["text_batch_size", "sequence_length"])
    px = g.input("pixel_values", F32, ["batch_size", "num_channels", "height", "width"])
    mask = g.input("attention_mask", I64, ["text_batch_size", "sequence_length"])
    text = text_tower(g, ids, mask)
    g.rng = np.random.default_rng(2)
    image = vision_tower(g, px)
    per_text = g.op("Mul", [g.op("MatMul", [g.l2(text), g.op("Transpose", [g.l2(image)], perm=[1, 0])]), g.f32(100.0)])
    g.output(g.op("Transpose", [per_text], perm=[1, 0]), "logits_per_image", F32, ["image_batch_size", "text_batch_size"])
    g.output(per_text, "logits_per_text", F32, ["text_batch_size", "image_batch_size"])
    g.output(text, "text_embeds", F32, ["text_batch_size", proj])
    g.output(image, "image_embeds", F32, ["image_batch_size", proj])
    save(g, f"{out}/onnx/model.onnx", "CLIPModel contract stub")


# ------------------------------------------------------------------------------------------ merged decoder helpers
def branch(rng, name, outputs):
    """An If branch: outputs is a list of (builder(g) -> value name)."""
    g = Graph(rng, prefix=name)
    for i, build in enumerate(outputs):
        value = build(g)
        out_name = f"{name}/out_{i}"
        g.nodes.append(helper.make_node("Identity", [value], [out_name]))
        g.outputs.append(helper.make_tensor_value_info(out_name, F32, None))
    return helper.make_graph(g.nodes, name, [], g.outputs, g.inits)


def seq2seq_decoder(kit, path, rng, *, vocab, hidden, layers, heads, max_pos, encoder_cache, names, doc):
    """A merged decoder (Optimum merge_decoders): one If on use_cache_branch.

    names: 'whisper' (past_key_values.{i}.decoder/.encoder.key/value) or 'gpt2' (past_key_values.{i}.key/value and
    cross-attention recomputed from encoder_hidden_states every step)."""
    head_dim = hidden // heads
    g = Graph(rng)
    ids = g.input("input_ids", I64, ["batch_size", "decoder_sequence_length"])
    enc = g.input("encoder_hidden_states", F32, ["batch_size", "encoder_sequence_length", hidden])
    self_in, cross_in = [], []
    past_axis = "past_decoder_sequence_length" if encoder_cache else "past_sequence_length"
    total_axis = f"{past_axis} + decoder_sequence_length" if encoder_cache else "past_sequence_length + sequence_length"
    for i in range(layers):
        if encoder_cache:
            kv = [g.input(f"past_key_values.{i}.decoder.{t}", F32, ["batch_size", heads, past_axis, head_dim]) for t in ("key", "value")]
            cross_in.append([g.input(f"past_key_values.{i}.encoder.{t}", F32, ["batch_size", heads, "encoder_sequence_length", head_dim]) for t in ("key", "value")])
        else:
            kv = [g.input(f"past_key_values.{i}.{t}", F32, ["batch_size", heads, past_axis, head_dim]) for t in ("key", "value")]
        self_in.append(kv)
    use_cache = g.input("use_cache_branch", BOOL, [1])

    x, table = g.embed(ids, vocab, hidden)
    past_len = g.dim(self_in[0][0], 2)
    pos = positions(g, past_len, g.dim(ids, 1))
    x = g.op("Add", [x, g.embed(pos, max_pos, hidden)[0]])
    k_new = g.heads(g.linear(x, hidden, hidden), heads, head_dim)
    v_new = g.heads(g.linear(x, hidden, hidden), heads, head_dim)
    scales = [g.f32(1.0 + 0.05 * i) for i in range(layers)]
    new = [(g.op("Mul", [k_new, scales[i]]), g.op("Mul", [v_new, scales[i]])) for i in range(layers)]

    # cross-attention keys/values from the encoder (no-cache branch, or every step for GPT-2)
    ck_w = (g.randn(hidden, RANK, scale=1 / np.sqrt(hidden)), g.randn(RANK, hidden, scale=1 / np.sqrt(RANK)))
    cv_w = (g.randn(hidden, RANK, scale=1 / np.sqrt(hidden)), g.randn(RANK, hidden, scale=1 / np.sqrt(RANK)))

    def cross_kv(b, which, layer):
        w = ck_w if which == 0 else cv_w
        h = b.op("MatMul", [b.op("MatMul", [enc, w[0]]), w[1]])
        return b.op("Mul", [b.heads(h, heads, head_dim), scales[layer]])

    with_past, no_past = [], []
    for i in range(layers):
        for t in range(2):
            with_past.append(lambda b, i=i, t=t: b.op("Concat", [self_in[i][t], new[i][t]], axis=2))
            no_past.append(lambda b, i=i, t=t: b.op("Identity", [new[i][t]]))
    if encoder_cache:
        stand_in = np.zeros((1, heads, 1, head_dim), dtype=np.float32)
        for i in range(layers):
            for t in range(2):
                # Optimum's with-past branch gives constant stand-ins for the encoder cache it does not compute
                with_past.append(lambda b: b.const(stand_in, "stand_in"))
                no_past.append(lambda b, i=i, t=t: cross_kv(b, t, i))
    if encoder_cache:
        # the encoder cache the model reads: this step's (no-cache branch) or the one handed back (cache branch)
        last = layers - 1
        for t in range(2):
            with_past.append(lambda b, t=t: b.op("Identity", [cross_in[last][t]]))
            no_past.append(lambda b, t=t: cross_kv(b, t, last))
    outs = [g.name("kv") for _ in with_past]
    g.nodes.append(helper.make_node("If", [use_cache], outs,
                                    then_branch=branch(rng, "with_past", with_past),
                                    else_branch=branch(rng, "no_past", no_past)))
    present_self = [(outs[2 * i], outs[2 * i + 1]) for i in range(layers)]
    if encoder_cache:
        ck, cv = outs[-2], outs[-1]
    else:
        ck, cv = cross_kv(g, 0, layers - 1), cross_kv(g, 1, layers - 1)

    q = g.heads(g.linear(x, hidden, hidden), heads, head_dim)
    self_att = g.attention(q, present_self[0][0], present_self[0][1], head_dim)
    q2 = g.heads(g.linear(x, hidden, hidden), heads, head_dim)
    cross_att = g.attention(q2, ck, cv, head_dim)
    h = g.op("Add", [x, g.op("Add", [g.linear(g.merge_heads(self_att), hidden, hidden), g.linear(g.merge_heads(cross_att), hidden, hidden)])])
    g.output(logits_head(g, h, hidden, vocab, table), "logits", F32, ["batch_size", "decoder_sequence_length", vocab])
    for i in range(layers):
        mid = f"{i}.decoder." if encoder_cache else f"{i}."
        g.output(present_self[i][0], f"present.{mid}key", F32, ["batch_size", heads, total_axis, head_dim])
        g.output(present_self[i][1], f"present.{mid}value", F32, ["batch_size", heads, total_axis, head_dim])
        if encoder_cache:
            g.output(outs[2 * layers + 2 * i], f"present.{i}.encoder.key", F32, ["batch_size", heads, "encoder_sequence_length", head_dim])
            g.output(outs[2 * layers + 2 * i + 1], f"present.{i}.encoder.value", F32, ["batch_size", heads, "encoder_sequence_length", head_dim])
    save(g, path, doc)


# ------------------------------------------------------------------------------------------------------- Whisper
def whisper(kit, out, config):
    mel, hidden, frames = config["num_mel_bins"], config["d_model"], config["max_source_positions"]
    g = Graph(np.random.default_rng(3))
    feats = g.input("input_features", F32, ["batch_size", mel, 2 * frames])
    conv = g.op("Conv", [feats, g.randn(RANK, mel, 3, scale=1 / np.sqrt(3 * mel))], strides=[2], pads=[1, 1])
    h = g.op("Tanh", [g.op("Transpose", [conv], perm=[0, 2, 1])])
    h = g.op("MatMul", [h, g.randn(RANK, hidden, scale=1.0)])
    pos_table = g.op("MatMul", [g.randn(frames, 4), g.randn(4, hidden, scale=0.5)])
    g.output(g.op("Add", [h, pos_table]), "last_hidden_state", F32, ["batch_size", frames, hidden])
    save(g, f"{out}/onnx/encoder_model.onnx", "Whisper encoder contract stub")

    seq2seq_decoder(kit, f"{out}/onnx/decoder_model_merged.onnx", np.random.default_rng(4), vocab=config["vocab_size"],
                    hidden=hidden, layers=config["decoder_layers"], heads=config["decoder_attention_heads"],
                    max_pos=config["max_target_positions"], encoder_cache=True, names="whisper",
                    doc="Whisper merged decoder contract stub")


# -------------------------------------------------------------------------------------------------- ViT + GPT-2
def vit_gpt2(kit, out, config):
    enc_cfg, dec_cfg = config["encoder"], config["decoder"]
    hidden, patch, size = enc_cfg["hidden_size"], enc_cfg["patch_size"], enc_cfg["image_size"]
    g = Graph(np.random.default_rng(5))
    px = g.input("pixel_values", F32, ["batch_size", "num_channels", "height", "width"])
    conv = g.op("Conv", [px, g.randn(RANK, 3, patch, patch, scale=1 / np.sqrt(3 * patch * patch))], strides=[patch, patch])
    rows = g.op("Reshape", [g.op("Transpose", [conv], perm=[0, 2, 3, 1]), g.i64([0, -1, RANK])])
    h = g.op("MatMul", [g.op("Tanh", [rows]), g.randn(RANK, hidden)])
    cls = g.op("Expand", [g.randn(1, 1, hidden), g.op("Concat", [g.op("Unsqueeze", [g.dim(px, 0), g.i64([0])]), g.i64([1, hidden])], axis=0)])
    g.output(g.op("Concat", [cls, h], axis=1), "last_hidden_state", F32, ["batch_size", (size // patch) ** 2 + 1, hidden])
    save(g, f"{out}/onnx/encoder_model.onnx", "ViT encoder contract stub")

    seq2seq_decoder(kit, f"{out}/onnx/decoder_model_merged.onnx", np.random.default_rng(6), vocab=dec_cfg["vocab_size"],
                    hidden=dec_cfg["n_embd"], layers=dec_cfg["n_layer"], heads=dec_cfg["n_head"],
                    max_pos=dec_cfg["n_positions"], encoder_cache=False, names="gpt2",
                    doc="GPT-2 (cross-attention) merged decoder contract stub")


# ---------------------------------------------------------------------------------------- LLaVA / Idefics3 split
LLAMA_DEFAULTS = {"hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "max_position_embeddings": 2048}


def vlm(kit, out, config):
    text = dict(LLAMA_DEFAULTS, **config["text_config"])
    hidden, layers, heads = text["hidden_size"], text["num_hidden_layers"], text["num_attention_heads"]
    kv_heads = text.get("num_key_value_heads", heads)
    head_dim = text.get("head_dim", hidden // heads)
    vocab = config.get("vocab_size", text.get("vocab_size"))
    vision = config["vision_config"]
    idefics = config["model_type"] in ("idefics3", "smolvlm")

    g = Graph(np.random.default_rng(7))
    if idefics:
        # [batch, images, 3, 512, 512] + bool mask; 64 rows per image after the pixel-shuffle connector
        patch, size = vision["patch_size"], vision["image_size"]
        scale = config.get("scale_factor", 4)
        rows_per_image = (size // patch) ** 2 // (scale * scale)
        px = g.input("pixel_values", F32, ["batch_size", "num_images", 3, "height", "width"])
        mask = g.input("pixel_attention_mask", BOOL, ["batch_size", "num_images", "height", "width"])
        flat = g.op("Reshape", [px, g.i64([-1, 3, size, size])])
        m = g.op("Reshape", [g.op("Cast", [mask], to=F32), g.i64([-1, 1, size, size])])
        flat = g.op("Mul", [flat, m])
        step = patch * scale
        conv = g.op("Conv", [flat, g.randn(RANK, 3, step, step, scale=1 / np.sqrt(3 * step * step))], strides=[step, step])
        rows = g.op("Reshape", [g.op("Transpose", [conv], perm=[0, 2, 3, 1]), g.i64([0, -1, RANK])])
        feats = g.op("MatMul", [g.op("Tanh", [rows]), g.randn(RANK, hidden)])
        g.output(feats, "image_features", F32, ["num_images_total", rows_per_image, hidden])
    else:
        patch, size = vision["patch_size"], vision["image_size"]
        px = g.input("pixel_values", F32, ["batch_size", 3, "height", "width"])
        conv = g.op("Conv", [px, g.randn(RANK, 3, patch, patch, scale=1 / np.sqrt(3 * patch * patch))], strides=[patch, patch])
        rows = g.op("Reshape", [g.op("Transpose", [conv], perm=[0, 2, 3, 1]), g.i64([0, -1, RANK])])
        feats = g.op("MatMul", [g.op("Tanh", [rows]), g.randn(RANK, hidden)])
        # the row count is not a static dim: the real export slices the CLS row off a traced CLIP tower
        g.output(feats, "image_features", F32, ["batch_size", "image_sequence_length", hidden])
    save(g, f"{out}/onnx/vision_encoder.onnx", "vision encoder contract stub")

    rng = np.random.default_rng(8)
    g = Graph(rng)
    ids = g.input("input_ids", I64, ["batch_size", "sequence_length"])
    table = g.randn(vocab, RANK, hint="table")
    proj = g.randn(RANK, hidden, scale=1 / np.sqrt(RANK))
    g.output(g.op("MatMul", [g.op("Gather", [table, ids]), proj]), "inputs_embeds", F32, ["batch_size", "sequence_length", hidden])
    save(g, f"{out}/onnx/embed_tokens.onnx", "embed_tokens contract stub")

    g = Graph(np.random.default_rng(9))
    x = g.input("inputs_embeds", F32, ["batch_size", "sequence_length", hidden])
    mask = g.input("attention_mask", I64, ["batch_size", "total_sequence_length"])
    pos = g.input("position_ids", I64, ["batch_size", "sequence_length"])
    past = [[g.input(f"past_key_values.{i}.{t}", F32, ["batch_size", kv_heads, "past_sequence_length", head_dim]) for t in ("key", "value")] for i in range(layers)]
    x = g.op("Add", [x, g.embed(pos, text["max_position_embeddings"], hidden)[0]])
    kv_width = kv_heads * head_dim
    k_new = g.heads(g.linear(x, hidden, kv_width), kv_heads, head_dim)
    v_new = g.heads(g.linear(x, hidden, kv_width), kv_heads, head_dim)
    present = []
    for i in range(layers):
        s = g.f32(1.0 + 0.05 * i)
        present.append((g.op("Concat", [past[i][0], g.op("Mul", [k_new, s])], axis=2),
                        g.op("Concat", [past[i][1], g.op("Mul", [v_new, s])], axis=2)))
    # grouped-query attention on layer 0: repeat each key/value head for its query heads
    group = heads // kv_heads
    q = g.heads(g.linear(x, hidden, heads * head_dim), heads, head_dim)

    def repeat(t):
        e = g.op("Unsqueeze", [t, g.i64([2])])
        e = g.op("Expand", [e, g.i64([1, 1, group, 1, 1])])
        return g.op("Reshape", [e, g.i64([0, heads, -1, head_dim])])

    k0, v0 = (present[0][0], present[0][1]) if group == 1 else (repeat(present[0][0]), repeat(present[0][1]))
    maskf = g.op("Cast", [mask], to=F32)
    additive = g.op("Unsqueeze", [g.op("Mul", [g.op("Sub", [maskf, g.f32(1.0)]), g.f32(1e4)]), g.i64([1, 2])])
    att = g.attention(q, k0, v0, head_dim, additive)
    h = g.op("Add", [x, g.linear(g.merge_heads(att), heads * head_dim, hidden)])
    g.output(logits_head(g, h, hidden, vocab), "logits", F32, ["batch_size", "sequence_length", vocab])
    for i in range(layers):
        g.output(present[i][0], f"present.{i}.key", F32, ["batch_size", kv_heads, "total_sequence_length", head_dim])
        g.output(present[i][1], f"present.{i}.value", F32, ["batch_size", kv_heads, "total_sequence_length", head_dim])
    save(g, f"{out}/onnx/decoder_model_merged.onnx", "inputs_embeds decoder contract stub")


KITS = {
    "Xenova__clip-vit-base-patch32": clip,
    "openai__whisper-base": whisper,
    "openai__whisper-large-v3": whisper,
    "Xenova__vit-gpt2-image-captioning": vit_gpt2,
    "llava-hf__llava-1.5-7b-hf": vlm,
    "HuggingFaceTB__SmolVLM-256M-Instruct": vlm,
}


def fingerprint(kit_dir):
    h = hashlib.sha256()
    with open(__file__, "rb") as f:
        h.update(f.read())
    h.update(np.__version__.encode() + onnx.__version__.encode())
    for name in sorted(os.listdir(kit_dir)):
        with open(os.path.join(kit_dir, name), "rb") as f:
            h.update(name.encode() + hashlib.sha256(f.read()).digest())
    return h.hexdigest()


def make(kits_root, out_root, kit):
    kit_dir, out = os.path.join(kits_root, kit), os.path.join(out_root, kit)
    stamp = os.path.join(out, ".stub-stamp")
    fp = fingerprint(kit_dir)
    if os.path.exists(stamp) and open(stamp).read().strip() == fp:
        return out, False
    tmp = out + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, "onnx"))
    for name in os.listdir(kit_dir):
        shutil.copyfile(os.path.join(kit_dir, name), os.path.join(tmp, name))
    with open(os.path.join(kit_dir, "config.json")) as f:
        config = json.load(f)
    KITS[kit](kit, tmp, config)
    with open(os.path.join(tmp, ".stub-stamp"), "w") as f:
        f.write(fp + "\n")
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    return out, True


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kits", required=True, help="the real-exports folder (../shared/real-exports)")
    p.add_argument("--out", required=True, help="where the model folders go (git-ignored)")
    p.add_argument("kit", nargs="*", help=f"kits to build (default: all of {', '.join(KITS)})")
    a = p.parse_args()
    for kit in a.kit or KITS:
        if kit not in KITS:
            sys.exit(f"make_stubs: no stub recipe for kit '{kit}' (known: {', '.join(KITS)})")
        out, built = make(a.kits, a.out, kit)
        size = sum(os.path.getsize(os.path.join(out, "onnx", f)) for f in os.listdir(os.path.join(out, "onnx")))
        print(f"make_stubs: {kit}: {'built' if built else 'up to date'} ({size / 1e6:.1f} MB of graphs) -> {out}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A CLIP model folder whose vision tower costs what ViT-B/32's does (issue 22's batching benchmark).

The contract stub of Xenova/clip-vit-base-patch32 (tools/real/make_stubs.py) has the real inputs and outputs but tiny
insides, so an image's model run costs far less than its preprocessing and micro-batching has nothing to amortize.
This script takes that stub folder (configs, tokenizer, text graph) and replaces onnx/vision_model.onnx with a
random-weight vision transformer of ViT-B/32's real dimensions: 224 px, 32 px patches (49 + 1 tokens), 12 pre-norm
layers, hidden 768, 12 heads, MLP 3072 with GELU, projection to 512. The weights are random (fixed seed): the
embeddings mean nothing, the compute per image is the real one (about 4.4 GFLOPs). The combined model.onnx is
removed, so the encoder uses the separate graphs. Nothing here is committed: the folder (about 350 MB) is rebuilt
into artifacts/ when missing.

    /usr/bin/python3 tools/bench/make_vit_b32_clip.py [OUT, default artifacts/clip-vit-b32-random]

Needs numpy and onnx (Debian python3-numpy, python3-onnx).
"""
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
LAYERS, HIDDEN, HEADS, MLP, PATCH, SIZE, PROJ = 12, 768, 12, 3072, 32, 224, 512


def vision_graph(rng):
    nodes, inits = [], []
    count = [0]

    def name(hint):
        count[0] += 1
        return f"{hint}_{count[0]}"

    def op(op_type, inputs, **attrs):
        out = name(op_type)
        nodes.append(helper.make_node(op_type, inputs, [out], **attrs))
        return out

    def const(array):
        n = name("w")
        inits.append(numpy_helper.from_array(np.asarray(array), n))
        return n

    def randn(*shape, scale):
        return const((rng.standard_normal(shape) * scale).astype(np.float32))

    def layer_norm(x):
        return op("LayerNormalization", [x, const(np.ones(HIDDEN, np.float32)), const(np.zeros(HIDDEN, np.float32))], axis=-1, epsilon=1e-5)

    def linear(x, n_in, n_out):
        return op("Add", [op("MatMul", [x, randn(n_in, n_out, scale=1 / np.sqrt(n_in))]), const(np.zeros(n_out, np.float32))])

    tokens = (SIZE // PATCH) ** 2 + 1
    head_dim = HIDDEN // HEADS
    conv = op("Conv", ["pixel_values", randn(HIDDEN, 3, PATCH, PATCH, scale=1 / np.sqrt(3 * PATCH * PATCH))], strides=[PATCH, PATCH])
    patches = op("Transpose", [op("Reshape", [conv, const(np.array([0, HIDDEN, -1], np.int64))])], perm=[0, 2, 1])
    batch = op("Gather", [op("Shape", ["pixel_values"]), const(np.array(0, np.int64))], axis=0)
    cls_shape = op("Concat", [op("Unsqueeze", [batch, const(np.array([0], np.int64))]), const(np.array([1, HIDDEN], np.int64))], axis=0)
    cls = op("Expand", [randn(1, 1, HIDDEN, scale=0.02), cls_shape])
    x = op("Add", [op("Concat", [cls, patches], axis=1), randn(1, tokens, HIDDEN, scale=0.02)])
    x = layer_norm(x)
    for _ in range(LAYERS):
        h = layer_norm(x)
        q, k, v = (op("Transpose", [op("Reshape", [linear(h, HIDDEN, HIDDEN), const(np.array([0, 0, HEADS, head_dim], np.int64))])], perm=[0, 2, 1, 3]) for _ in range(3))
        scores = op("Mul", [op("MatMul", [q, op("Transpose", [k], perm=[0, 1, 3, 2])]), const(np.array(1 / np.sqrt(head_dim), np.float32))])
        attended = op("MatMul", [op("Softmax", [scores], axis=-1), v])
        merged = op("Reshape", [op("Transpose", [attended], perm=[0, 2, 1, 3]), const(np.array([0, 0, HIDDEN], np.int64))])
        x = op("Add", [x, linear(merged, HIDDEN, HIDDEN)])
        h = linear(layer_norm(x), HIDDEN, MLP)
        gelu = op("Mul", [op("Mul", [h, const(np.array(0.5, np.float32))]), op("Add", [op("Erf", [op("Div", [h, const(np.array(np.sqrt(2), np.float32))])]), const(np.array(1, np.float32))])])
        x = op("Add", [x, linear(gelu, MLP, HIDDEN)])
    pooled = layer_norm(op("Gather", [x, const(np.array(0, np.int64))], axis=1))
    nodes.append(helper.make_node("MatMul", [pooled, randn(HIDDEN, PROJ, scale=1 / np.sqrt(HIDDEN))], ["image_embeds"]))
    graph = helper.make_graph(
        nodes, "vision_model", [helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch_size", 3, SIZE, SIZE])],
        [helper.make_tensor_value_info("image_embeds", TensorProto.FLOAT, ["batch_size", PROJ])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="multimodal-sdk tools/bench/make_vit_b32_clip.py",
                              doc_string="CLIPVisionModelWithProjection with ViT-B/32's dimensions and random weights (benchmark only)")
    model.ir_version = 8
    return model


def main():
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "artifacts", "clip-vit-b32-random"))
    graph = os.path.join(out, "onnx", "vision_model.onnx")
    if os.path.exists(graph) and os.path.getmtime(graph) > os.path.getmtime(__file__):
        print(out)
        return
    stubs = os.path.join(ROOT, "artifacts", "real-stubs")
    kit = "Xenova__clip-vit-base-patch32"
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "real", "make_stubs.py"), "--kits", os.path.join(ROOT, "..", "shared", "real-exports"),
                    "--out", stubs, kit], check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(os.path.join(stubs, kit), out)
    os.remove(os.path.join(out, "onnx", "model.onnx"))
    model = vision_graph(np.random.default_rng(32))
    onnx.checker.check_model(model)
    onnx.save(model, graph)
    print(out)


if __name__ == "__main__":
    main()

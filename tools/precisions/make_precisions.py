#!/usr/bin/python3
"""Writes the smaller-precision variants of a model folder's graphs, named as transformers.js names them.

    /usr/bin/python3 tools/precisions/make_precisions.py models/tiny-clip [models/tiny-whisper ...] [--out DIR]

For every onnx/NAME.onnx (not already a variant) it writes beside it (or under DIR/<folder>/onnx):

- onnx/NAME_quantized.onnx: int8 dynamic quantization as ONNX Runtime's quantize_dynamic does it for MatMul
  (weight_type QInt8, per tensor, symmetric): each MatMul whose right input is a 2-D float initializer becomes
  DynamicQuantizeLinear(activations, uint8) -> MatMulInteger(a_q, W_q, a_zp, 0) -> Cast(float) -> Mul(a_scale * w_scale).
  Convolutions, embeddings (Gather) and everything else stay float32. Subgraphs (the If branches of merged decoders)
  are rewritten too; a weight shared by both branches is quantized once.
- onnx/NAME_fp16.onnx: float16 storage of every float initializer, with a Cast back to float32 where it is read, so
  the graph's inputs, outputs and arithmetic stay float32 (what the SDK feeds). transformers.js's own fp16 exports
  (onnxconverter-common's convert_float_to_float16) compute in float16 and have float16 logits and past_key_values;
  the SDK does not feed float16 tensors, so these variants halve the file, not the arithmetic.

Needs only Debian's python3-onnx and python3-numpy (there is no onnxruntime Python package here).
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

VARIANT_SUFFIXES = ("_quantized", "_fp16", "_int8", "_uint8", "_q4", "_q4f16", "_bnb4")


def subgraphs(node):
    for a in node.attribute:
        if a.type == onnx.AttributeProto.GRAPH:
            yield a.g
        elif a.type == onnx.AttributeProto.GRAPHS:
            yield from a.graphs


def all_graphs(graph):
    yield graph
    for n in graph.node:
        for g in subgraphs(n):
            yield from all_graphs(g)


def used_names(graph):
    used = set()
    for g in all_graphs(graph):
        for n in g.node:
            used.update(i for i in n.input if i)
        used.update(o.name for o in g.output)
    return used


def ensure_opset(model, version):
    for o in model.opset_import:
        if o.domain in ("", "ai.onnx"):
            o.version = max(o.version, version)
            return
    model.opset_import.append(helper.make_opsetid("", version))


def quantize(model):
    main = model.graph
    initializers = {i.name: i for i in main.initializer}
    quantized = {}
    added = []
    count = [0]

    def weight(name):
        if name not in quantized:
            w = numpy_helper.to_array(initializers[name]).astype(np.float32)
            amax = float(np.abs(w).max())
            scale = amax / 127.0 if amax > 0 else 1.0
            q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
            names = (name + "_quantized", name + "_scale", name + "_zero_point")
            added.append(numpy_helper.from_array(q, names[0]))
            added.append(numpy_helper.from_array(np.array(scale, dtype=np.float32), names[1]))
            added.append(numpy_helper.from_array(np.array(0, dtype=np.int8), names[2]))
            quantized[name] = names
        return quantized[name]

    def rewrite(graph):
        nodes = []
        for n in graph.node:
            for g in subgraphs(n):
                rewrite(g)
            w = initializers.get(n.input[1]) if n.op_type == "MatMul" and len(n.input) == 2 else None
            if w is None or len(w.dims) != 2 or w.data_type != TensorProto.FLOAT:
                nodes.append(n)
                continue
            q, s, z = weight(n.input[1])
            p = "%s_q%d" % (n.name or "MatMul", count[0])
            count[0] += 1
            nodes += [
                helper.make_node("DynamicQuantizeLinear", [n.input[0]], [p + "_a", p + "_a_scale", p + "_a_zero_point"], name=p + "_quant"),
                helper.make_node("MatMulInteger", [p + "_a", q, p + "_a_zero_point", z], [p + "_int32"], name=p + "_matmul"),
                helper.make_node("Cast", [p + "_int32"], [p + "_float"], to=TensorProto.FLOAT, name=p + "_cast"),
                helper.make_node("Mul", [p + "_a_scale", s], [p + "_scale"], name=p + "_scale_mul"),
                helper.make_node("Mul", [p + "_float", p + "_scale"], [n.output[0]], name=p + "_output_mul"),
            ]
        del graph.node[:]
        graph.node.extend(nodes)

    rewrite(main)
    used = used_names(main)
    kept = [i for i in main.initializer if i.name in used]
    del main.initializer[:]
    main.initializer.extend(kept + added)
    ensure_opset(model, 11)
    return count[0]


def to_fp16(model):
    main = model.graph
    casts = []
    converted = 0
    for init in main.initializer:
        if init.data_type != TensorProto.FLOAT:
            continue
        w = numpy_helper.to_array(init)
        if w.size < 16:
            continue  # scalars and tiny shapes: not worth a Cast
        name = init.name
        init.CopyFrom(numpy_helper.from_array(w.astype(np.float16), name + "_fp16"))
        casts.append(helper.make_node("Cast", [name + "_fp16"], [name], to=TensorProto.FLOAT, name=name + "_to_float"))
        converted += 1
    nodes = casts + list(main.node)
    del main.node[:]
    main.node.extend(nodes)
    return converted


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--out", help="write variants to OUT/<folder name>/onnx instead of beside the graphs")
    parser.add_argument("--only", choices=["quantized", "fp16"], help="one kind of variant")
    args = parser.parse_args()
    for folder in args.folders:
        src = os.path.join(folder, "onnx")
        dst = os.path.join(args.out, os.path.basename(os.path.normpath(folder)), "onnx") if args.out else src
        os.makedirs(dst, exist_ok=True)
        for file in sorted(os.listdir(src)):
            stem, ext = os.path.splitext(file)
            if ext != ".onnx" or stem.endswith(VARIANT_SUFFIXES):
                continue
            for kind, make in (("quantized", quantize), ("fp16", to_fp16)):
                if args.only and args.only != kind:
                    continue
                model = onnx.load(os.path.join(src, file))
                n = make(model)
                onnx.checker.check_model(model)
                out = os.path.join(dst, "%s_%s.onnx" % (stem, kind))
                onnx.save(model, out)
                print("%s: %d %s, %d -> %d bytes" % (out, n, "MatMuls" if kind == "quantized" else "initializers",
                                                     os.path.getsize(os.path.join(src, file)), os.path.getsize(out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

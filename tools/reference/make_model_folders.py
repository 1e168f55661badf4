#!/usr/bin/python3
"""Writes the small model folders the core runtime tests load (tests/fixtures/Models/).

Each graph is a few bytes: what the tests check is folder handling (precision suffixes, external
weights, input metadata, config parsing), not model quality. Run with Debian's python3 + python3-onnx.
"""
import json
import os
import shutil

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "Models")


def add_graph(value: float, external: bool = False, path: str = ""):
    """y = x + value, x float [batch, 4]; the constant tells which precision variant was loaded."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4])
    c = numpy_helper.from_array(np.full((4,), value, dtype=np.float32), "c")
    g = helper.make_graph([helper.make_node("Add", ["x", "c"], ["y"])], "add", [x], [y], [c])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="multimodal-sdk-tests")
    m.ir_version = 8
    if external:
        onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=os.path.basename(path) + "_data", size_threshold=0)
    else:
        onnx.save_model(m, path)


def cache_graph(path: str):
    """A decoder-shaped graph: input_ids, use_cache_branch and a past key whose length is dynamic."""
    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"])
    use = helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1])
    past = helper.make_tensor_value_info("past_key_values.0.key", TensorProto.FLOAT, ["batch", 2, "past", 8])
    out = helper.make_tensor_value_info("present.0.key", TensorProto.FLOAT, ["batch", 2, "past", 8])
    logits = helper.make_tensor_value_info("logits", TensorProto.INT64, ["batch", "seq"])
    nodes = [
        helper.make_node("Identity", ["past_key_values.0.key"], ["present.0.key"]),
        helper.make_node("Identity", ["input_ids"], ["logits"]),
    ]
    g = helper.make_graph(nodes, "cache", [ids, use, past], [logits, out])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="multimodal-sdk-tests")
    m.ir_version = 8
    onnx.save_model(m, path)


def folder(name, config, files=None):
    d = os.path.join(ROOT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "onnx"))
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    for fname, content in (files or {}).items():
        with open(os.path.join(d, fname), "w") as f:
            f.write(content if isinstance(content, str) else json.dumps(content, indent=2))
    return d


d = folder("precisions", {"model_type": "clip"})
add_graph(1.0, path=os.path.join(d, "onnx", "model.onnx"))
add_graph(2.0, path=os.path.join(d, "onnx", "model_quantized.onnx"))
add_graph(3.0, path=os.path.join(d, "onnx", "model_fp16.onnx"))
add_graph(4.0, external=True, path=os.path.join(d, "onnx", "big.onnx"))

d = folder("decoder", {"model_type": "vision-encoder-decoder", "decoder_start_token_id": 5, "decoder": {"eos_token_id": 7, "pad_token_id": 7}},
           {"generation_config.json": {"max_length": 20, "eos_token_id": [7, 8], "num_beams": 3},
            "tokenizer_config.json": {"bos_token": {"content": "<s>", "lstrip": False}, "eos_token": "</s>", "model_max_length": 1e30,
                                      "chat_template": "{% for m in messages %}{{ m['content'] }}{% endfor %}"}})
cache_graph(os.path.join(d, "onnx", "decoder_model_merged.onnx"))

d = folder("wrong-types", {"model_type": "whisper", "d_model": "wide", "encoder_layers": 2.5},
           {"preprocessor_config.json": {"feature_size": 80, "sampling_rate": 16000, "hop_length": 160, "chunk_length": 10,
                                         "n_fft": 400, "n_samples": 160000, "nb_max_frames": 1000},
            "generation_config.json": {"lang_to_id": {"<|en|>": "fifty"}}})

d = folder("not-json", {"model_type": "clip"}, {"preprocessor_config.json": "{ this is not json"})
print("wrote", ROOT)

"""Exports tiny-whisper to models/tiny-whisper in Whisper's Optimum contract.

  /usr/bin/python3 tools/zoo/speech/export.py --ckpt .zoo-data/speech/run/model.pt --out models/tiny-whisper

onnx/encoder_model.onnx           input_features [b, 80, frames] -> last_hidden_state [b, frames/2, d]
onnx/decoder_model.onnx           input_ids, encoder_hidden_states -> logits, present.{i}.{decoder,encoder}.{key,value}
onnx/decoder_with_past_model.onnx input_ids, past_key_values.{i}.{decoder,encoder}.{key,value}
                                  -> logits, present.{i}.decoder.{key,value}
onnx/decoder_model_merged.onnx    both behind an ONNX If on use_cache_branch (bool [1]), weights shared,
                                  as optimum.onnx.merge_decoders builds it; its with-past branch passes
                                  the encoder cache through as present.{i}.encoder.*
"""
import argparse
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx  # noqa: E402
import torch  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import tok as tokmod  # noqa: E402
from model import TinyWhisper  # noqa: E402

OPSET = 17
CHUNK = 10


def configs(cfg, tk):
    d = cfg
    ids = tk.special
    suppress = sorted([ids["<|startoftranscript|>"], ids["<|translate|>"], ids["<|transcribe|>"], ids["<|startoflm|>"],
                       ids["<|startofprev|>"], ids["<|nospeech|>"]])
    space = tk.vocab["Ġ"]
    config = {
        "_name_or_path": "multimodal-sdk/tiny-whisper", "activation_dropout": 0.0, "activation_function": "gelu",
        "apply_spec_augment": False, "architectures": ["WhisperForConditionalGeneration"], "attention_dropout": 0.0,
        "begin_suppress_tokens": [space], "bos_token_id": ids["<|endoftext|>"], "classifier_proj_size": 256,
        "d_model": d["d_model"], "decoder_attention_heads": d["decoder_attention_heads"],
        "decoder_ffn_dim": d["decoder_ffn_dim"], "decoder_layerdrop": 0.0, "decoder_layers": d["decoder_layers"],
        "decoder_start_token_id": ids["<|startoftranscript|>"], "dropout": 0.0,
        "encoder_attention_heads": d["encoder_attention_heads"], "encoder_ffn_dim": d["encoder_ffn_dim"],
        "encoder_layerdrop": 0.0, "encoder_layers": d["encoder_layers"], "eos_token_id": ids["<|endoftext|>"],
        "init_std": 0.02, "is_encoder_decoder": True, "max_length": d["max_target_positions"],
        "max_source_positions": d["max_source_positions"], "max_target_positions": d["max_target_positions"],
        "median_filter_width": 7, "model_type": "whisper", "num_hidden_layers": d["encoder_layers"],
        "num_mel_bins": d["num_mel_bins"], "pad_token_id": ids["<|endoftext|>"], "scale_embedding": False,
        "suppress_tokens": suppress, "torch_dtype": "float32", "transformers_version": "4.46.0",
        "use_cache": True, "use_weighted_layer_sum": False, "vocab_size": d["vocab_size"],
        # not a Hugging Face field: frames per encoder position (Whisper's stem is 2; ours may be 4).
        # max_source_positions keeps Whisper's meaning, frames / 2, which consumers use for the
        # 0.02 s timestamp step and the seek window; last_hidden_state has frames / encoder_stride rows.
        "encoder_stride": d.get("encoder_stride", 2),
    }
    gen = {
        "begin_suppress_tokens": [space], "bos_token_id": ids["<|endoftext|>"],
        "decoder_start_token_id": ids["<|startoftranscript|>"], "eos_token_id": ids["<|endoftext|>"],
        "forced_decoder_ids": [[1, None], [2, ids["<|transcribe|>"]]], "is_multilingual": True,
        "lang_to_id": {f"<|{l}|>": ids[f"<|{l}|>"] for l in tokmod.LANGS},
        "max_initial_timestamp_index": tk.n_timestamps - 1, "max_length": d["max_target_positions"],
        "no_timestamps_token_id": ids["<|notimestamps|>"], "pad_token_id": ids["<|endoftext|>"],
        "prev_sot_token_id": ids["<|startofprev|>"], "return_timestamps": False, "suppress_tokens": suppress,
        "task_to_id": {"transcribe": ids["<|transcribe|>"], "translate": ids["<|translate|>"]},
        "transformers_version": "4.46.0",
    }
    pre = {
        "chunk_length": CHUNK, "feature_extractor_type": "WhisperFeatureExtractor", "feature_size": d["num_mel_bins"],
        "hop_length": 160, "n_fft": 400, "n_samples": CHUNK * 16000, "nb_max_frames": CHUNK * 100,
        "padding_side": "right", "padding_value": 0.0, "processor_class": "WhisperProcessor",
        "return_attention_mask": False, "sampling_rate": 16000,
    }
    added = {str(i): {"content": t, "lstrip": False, "normalized": False, "rstrip": False, "single_word": False,
                      "special": True} for t, i in ids.items()}
    tcfg = {
        "add_bos_token": False, "add_prefix_space": False, "added_tokens_decoder": added,
        "additional_special_tokens": list(ids.keys())[1:], "bos_token": "<|endoftext|>",
        "clean_up_tokenization_spaces": True, "eos_token": "<|endoftext|>", "errors": "replace",
        "model_max_length": d["max_target_positions"], "pad_token": "<|endoftext|>", "processor_class": "WhisperProcessor",
        "return_attention_mask": False, "tokenizer_class": "WhisperTokenizer", "unk_token": "<|endoftext|>",
    }
    return config, gen, pre, tcfg


class Enc(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_features):
        return self.m.encode(input_features)


class DecNoPast(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, encoder_hidden_states):
        cross = self.m.cross_kv(encoder_hidden_states)
        logits, new = self.m.decode(input_ids, cross)
        out = [logits]
        for (k, v), (ck, cv) in zip(new, cross):
            out += [k, v, ck, cv]
        return tuple(out)


class DecWithPast(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, *past):
        n = len(self.m.dec_layers)
        self_past = [(past[4 * i], past[4 * i + 1]) for i in range(n)]
        cross = [(past[4 * i + 2], past[4 * i + 3]) for i in range(n)]
        logits, new = self.m.decode(input_ids, cross, self_past)
        out = [logits]
        for k, v in new:
            out += [k, v]
        return tuple(out)


def past_names(n, prefix):
    return [f"{prefix}.{i}.{w}.{kv}" for i in range(n) for w in ("decoder", "encoder") for kv in ("key", "value")]


def export_all(model, out_dir):
    cfg = model.cfg
    n, h, hd = cfg["decoder_layers"], cfg["decoder_attention_heads"], cfg["d_model"] // cfg["decoder_attention_heads"]
    enc_len = cfg["max_source_positions"] * 2 // cfg.get("encoder_stride", 2)
    os.makedirs(os.path.join(out_dir, "onnx"), exist_ok=True)
    feats = torch.randn(1, cfg["num_mel_bins"], cfg["max_source_positions"] * 2)
    torch.onnx.export(Enc(model), (feats,), os.path.join(out_dir, "onnx", "encoder_model.onnx"),
                      input_names=["input_features"], output_names=["last_hidden_state"],
                      dynamic_axes={"input_features": {0: "batch_size", 2: "feature_sequence_length"},
                                    "last_hidden_state": {0: "batch_size", 1: "encoder_sequence_length"}},
                      opset_version=OPSET, do_constant_folding=True)
    enc = torch.randn(1, enc_len, cfg["d_model"])
    ids = torch.tensor([[1, 2, 3]], dtype=torch.long)
    pres_np = []
    for i in range(n):
        pres_np += [f"present.{i}.decoder.key", f"present.{i}.decoder.value",
                    f"present.{i}.encoder.key", f"present.{i}.encoder.value"]
    dyn = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
           "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
           "logits": {0: "batch_size", 1: "decoder_sequence_length"}}
    for p in pres_np:
        dyn[p] = {0: "batch_size", 2: "decoder_sequence_length" if ".decoder." in p else "encoder_sequence_length_out"}
    torch.onnx.export(DecNoPast(model), (ids, enc), os.path.join(out_dir, "onnx", "decoder_model.onnx"),
                      input_names=["input_ids", "encoder_hidden_states"], output_names=["logits"] + pres_np,
                      dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True)
    past = []
    for i in range(n):
        past += [torch.randn(1, h, 3, hd), torch.randn(1, h, 3, hd),
                 torch.randn(1, h, enc_len, hd), torch.randn(1, h, enc_len, hd)]
    pin = past_names(n, "past_key_values")
    pres_wp = [f"present.{i}.decoder.{kv}" for i in range(n) for kv in ("key", "value")]
    dyn = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
           "logits": {0: "batch_size", 1: "decoder_sequence_length"}}
    for p in pin:
        dyn[p] = {0: "batch_size", 2: "past_decoder_sequence_length" if ".decoder." in p else "encoder_sequence_length_out"}
    for p in pres_wp:
        dyn[p] = {0: "batch_size", 2: "past_decoder_sequence_length + decoder_sequence_length"}
    torch.onnx.export(DecWithPast(model), (torch.tensor([[4]], dtype=torch.long), *past),
                      os.path.join(out_dir, "onnx", "decoder_with_past_model.onnx"),
                      input_names=["input_ids"] + pin, output_names=["logits"] + pres_wp,
                      dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True)
    merge(os.path.join(out_dir, "onnx"), n)


def _tensor_key(t):
    return (t.data_type, tuple(t.dims), hashlib.sha256(numpy_helper.to_array(t).tobytes()).hexdigest())


def merge(onnx_dir, n):
    """decoder_model + decoder_with_past_model -> decoder_model_merged with an If on use_cache_branch."""
    no_past = onnx.load(os.path.join(onnx_dir, "decoder_model.onnx"))
    with_past = onnx.load(os.path.join(onnx_dir, "decoder_with_past_model.onnx"))
    shared, by_key = [], {}

    def branch(model, prefix, extra_outputs):
        g = model.graph
        outer = {i.name for i in g.input}
        rename = {}
        for t in g.initializer:
            k = _tensor_key(t)
            if k not in by_key:
                name = f"shared_{len(by_key)}"
                by_key[k] = name
                t2 = onnx.TensorProto()
                t2.CopyFrom(t)
                t2.name = name
                shared.append(t2)
            rename[t.name] = by_key[k]
        nodes = []
        for node in g.node:
            nd = onnx.NodeProto()
            nd.CopyFrom(node)
            nd.name = prefix + node.name
            for j, x in enumerate(nd.input):
                if x in rename:
                    nd.input[j] = rename[x]
                elif x and x not in outer:
                    nd.input[j] = prefix + x
            for j, x in enumerate(nd.output):
                nd.output[j] = prefix + x
            nodes.append(nd)
        outs = []
        for o in g.output:
            vi = helper.make_tensor_value_info(prefix + o.name, o.type.tensor_type.elem_type, None)
            outs.append((o.name, vi))
        for name, src in extra_outputs:
            nodes.append(helper.make_node("Identity", [src], [prefix + name], name=prefix + "pass_" + name))
            outs.append((name, helper.make_tensor_value_info(prefix + name, TensorProto.FLOAT, None)))
        return nodes, outs

    order = ["logits"]
    for i in range(n):
        order += [f"present.{i}.decoder.key", f"present.{i}.decoder.value",
                  f"present.{i}.encoder.key", f"present.{i}.encoder.value"]
    np_nodes, np_outs = branch(no_past, "no_past/", [])
    extra = [(f"present.{i}.encoder.{kv}", f"past_key_values.{i}.encoder.{kv}") for i in range(n) for kv in ("key", "value")]
    wp_nodes, wp_outs = branch(with_past, "with_past/", extra)
    np_outs, wp_outs = dict(np_outs), dict(wp_outs)
    else_g = helper.make_graph(np_nodes, "no_past", [], [np_outs[o] for o in order])
    then_g = helper.make_graph(wp_nodes, "with_past", [], [wp_outs[o] for o in order])
    if_node = helper.make_node("If", ["use_cache_branch"], order, name="optimum::if",
                               then_branch=then_g, else_branch=else_g)
    inputs = [i for i in no_past.graph.input]
    inputs += [i for i in with_past.graph.input if i.name != "input_ids"]
    inputs.append(helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1]))
    outputs = []
    for o in order:
        src = next(x for x in list(no_past.graph.output) if x.name == o)
        outputs.append(src)
    graph = helper.make_graph([if_node], "merged_decoder", inputs, outputs, initializer=shared)
    merged = helper.make_model(graph, opset_imports=list(no_past.opset_import), producer_name="multimodal-sdk-zoo")
    merged.ir_version = no_past.ir_version
    onnx.checker.check_model(merged)
    onnx.save(merged, os.path.join(onnx_dir, "decoder_model_merged.onnx"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    st = torch.load(a.ckpt, map_location="cpu")
    cfg = st["cfg"]
    model = TinyWhisper(cfg)
    model.load_state_dict(st["model"])
    model.eval()
    tk = tokmod.build(CHUNK)
    assert tk.vocab_size == cfg["vocab_size"]
    os.makedirs(a.out, exist_ok=True)
    tokmod.save(tk, os.path.join(a.out, "tokenizer.json"))
    for name, obj in zip(["config.json", "generation_config.json", "preprocessor_config.json", "tokenizer_config.json"],
                         configs(cfg, tk)):
        with open(os.path.join(a.out, name), "w", encoding="utf-8") as f:
            json.dump(obj, f, indent=2, ensure_ascii=False)
            f.write("\n")
    with torch.no_grad():
        export_all(model, a.out)


if __name__ == "__main__":
    main()

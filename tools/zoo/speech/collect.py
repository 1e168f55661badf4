"""Gathers the held-out results into models/tiny-whisper/eval.json.

  /usr/bin/python3 tools/zoo/speech/collect.py --torch T.json --onnx O.json --parity P.json [--js J.json] \
      --train .zoo-data/speech/run/model.pt --out models/tiny-whisper/eval.json
"""
import argparse
import json

import torch

TARGETS = {"english_wer": "<= 0.05", "spanish_wer": "<= 0.08", "language_id_accuracy": ">= 0.98",
           "translation_exact_match": ">= 0.85", "long_form_segments_within_0.2s": ">= 0.90",
           "no_speech_rate": ">= 0.95"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--torch", required=True)
    ap.add_argument("--onnx", required=True)
    ap.add_argument("--parity", required=True)
    ap.add_argument("--js", default=None)
    ap.add_argument("--train", required=True)
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--train-device", default="one NVIDIA H200 (lent GPU machine, 16 CPU cores composing batches)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    t = json.load(open(a.torch))["summary"]
    o = json.load(open(a.onnx))["summary"]
    st = torch.load(a.train, map_location="cpu")
    res = {
        "heldout": {
            "seed": a.seed,
            "generate": [f"/usr/bin/python3 tools/zoo/speech.py --seed {a.seed} --count 400 --out DIR/short",
                         f"/usr/bin/python3 tools/zoo/speech.py --seed {a.seed} --count 100 --nospeech --out DIR/nospeech",
                         f"/usr/bin/python3 tools/zoo/speech.py --seed {a.seed} --count 20 --long --out DIR/long"],
            "counts": t["counts"],
        },
        "decoding": "greedy; language auto-detected at <|startoftranscript|> (argmax over <|en|>, <|es|>); "
                    "openai/whisper suppress and timestamp rules; long-form: sequential 10 s windows, features "
                    "per window, seek to the end of the last complete segment (tools/zoo/speech/decode.py)",
        "targets": TARGETS,
        "pytorch": {k: v for k, v in t.items() if k not in ("backend", "counts")},
        "onnx": {k: v for k, v in o.items() if k not in ("backend", "counts")},
        "onnx_runtime": "onnxruntime-node 1.30.0 (tools/zoo/node/speech_ort.mjs), decoder_model_merged.onnx",
        "parity": json.load(open(a.parity)),
        "training": {"steps": st["steps"], "seconds": round(st["elapsed"]), "device": a.train_device,
                     "args": st["args"]},
    }
    if "averaged" in st:  # average.py: the exported weights are the mean of these checkpoints
        res["training"]["averaged"] = st["averaged"]
    if a.js:
        j = json.load(open(a.js))
        res["transformers_js"] = {k: v for k, v in j.items() if k not in ("differences",)}
        if "long_form" in res["transformers_js"]:
            res["transformers_js"]["long_form"] = {k: v for k, v in j["long_form"].items() if k != "files_detail"}
            res["transformers_js"]["long_form"]["how"] = ("pipeline with return_timestamps and chunk_length_s = "
                                                         "chunk_length (default stride chunk/6): stride merging, "
                                                         "not seeking; without chunk_length_s the pipeline "
                                                         "truncates the audio to n_samples")
    json.dump(res, open(a.out, "w"), indent=2)
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()

"""PyTorch vs ONNX (onnxruntime-node) parity: encoder output and decoder logits at every step of a
teacher-forced decode, through decoder_model_merged and through the split pair, each ONNX path fed
by its own ONNX encoder output.

  /usr/bin/python3 tools/zoo/speech/parity.py --data .zoo-data/speech/eval --n 8 --out parity.json
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402
import torch  # noqa: E402

import common  # noqa: E402
import decode  # noqa: E402
import ort  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--ckpt", default=".zoo-data/speech/run/model.pt")
    ap.add_argument("--model-dir", default="models/tiny-whisper")
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    torch.set_num_threads(1)
    cfg, gen, pre, tk = common.load_folder(a.model_dir)
    model, _ = common.load_model(a.ckpt)
    tb = decode.TorchBackend(model)
    D = decode.Decoder(tb, tk, gen)
    server = ort.OrtServer(a.model_dir)
    backends = {"merged": ort.OrtBackend(server, cfg, "merged"), "split": ort.OrtBackend(server, cfg, "split")}
    labs = common.load_labels(os.path.join(a.data, "short"))[:a.n]
    worst = {"encoder": 0.0, "merged": 0.0, "split": 0.0}
    steps = 0
    for lab in labs:
        audio = common.read_wav(os.path.join(a.data, "short", lab["file"]))
        feats = D.features(audio)
        enc_t = tb.encode(feats)
        lang_id = D.detect(enc_t)[0]
        r = D.generate(enc_t, lang_id, "transcribe", True)
        prompt = [tk.sot, lang_id, tk.transcribe]
        seq = prompt + r["tokens"] + [tk.eot]
        with torch.no_grad():
            ref, _ = model.decode(torch.tensor([seq]), model.cross_kv(enc_t))
        ref = ref[0].numpy()
        for name, b in backends.items():
            enc_o = b.encode(feats)
            worst["encoder"] = max(worst["encoder"], float(np.abs(enc_o - enc_t.numpy()).max()))
            st = b.start(enc_o)
            got = [b.step(st, prompt)]  # first step: the whole prompt, empty cache
            for t in seq[len(prompt):-1]:
                got.append(b.step(st, [t]))
            got = np.concatenate(got, axis=0)
            worst[name] = max(worst[name], float(np.abs(got - ref[:len(got)]).max()))
        steps += len(seq)
    server.close()
    res = {"clips": len(labs), "positions": steps, "max_abs_diff": {
        "encoder_last_hidden_state": worst["encoder"], "logits_decoder_model_merged": worst["merged"],
        "logits_decoder_model_plus_with_past": worst["split"]}}
    print(json.dumps(res, indent=2))
    if a.out:
        json.dump(res, open(a.out, "w"), indent=2)


if __name__ == "__main__":
    main()

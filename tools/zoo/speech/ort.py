"""ONNX Runtime backend for decode.Decoder: runs the exported graphs in onnxruntime-node through
tools/zoo/node/speech_ort.mjs (no onnxruntime wheel is installable here)."""
import json
import os
import struct
import subprocess

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
DTYPES = {"float32": np.float32, "int64": np.int64, "bool": np.uint8}


class OrtServer:
    def __init__(self, model_dir):
        self.p = subprocess.Popen(["node", os.path.join(ROOT, "tools", "zoo", "node", "speech_ort.mjs"),
                                   os.path.abspath(model_dir)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def _read(self, n):
        b = bytearray()
        while len(b) < n:
            c = self.p.stdout.read(n - len(b))
            if not c:
                raise RuntimeError("ORT server exited")
            b += c
        return bytes(b)

    def run(self, model, inputs):
        hdr, payload = [], []
        for name, arr in inputs.items():
            dt = "bool" if arr.dtype == np.bool_ else str(arr.dtype)
            a = np.ascontiguousarray(arr.astype(np.uint8) if dt == "bool" else arr)
            hdr.append({"name": name, "dtype": dt, "dims": list(a.shape)})
            payload.append(a.tobytes())
        h = json.dumps({"model": model, "inputs": hdr}).encode()
        self.p.stdin.write(struct.pack("<I", len(h)) + h + b"".join(payload))
        self.p.stdin.flush()
        hl = struct.unpack("<I", self._read(4))[0]
        rh = json.loads(self._read(hl))
        if "error" in rh:
            raise RuntimeError(rh["error"])
        out = {}
        for o in rh["outputs"]:
            dt = DTYPES[o["dtype"]]
            n = int(np.prod(o["dims"])) * np.dtype(dt).itemsize
            out[o["name"]] = np.frombuffer(self._read(n), dtype=dt).reshape(o["dims"])
        return out

    def close(self):
        self.p.stdin.close()
        self.p.wait()


class OrtBackend:
    """mode 'merged' (decoder_model_merged) or 'split' (decoder_model + decoder_with_past_model)."""

    def __init__(self, server, cfg, mode="merged"):
        self.s, self.mode = server, mode
        self.n = cfg["decoder_layers"]
        self.h = cfg["decoder_attention_heads"]
        self.hd = cfg["d_model"] // self.h

    def encode(self, feats):
        return self.s.run("encoder_model", {"input_features": feats[None].astype(np.float32)})["last_hidden_state"]

    def start(self, enc):
        return {"enc": enc, "past": None}

    def step(self, state, ids):
        ids = np.array([ids], dtype=np.int64)
        n = self.n
        if self.mode == "merged":
            feeds = {"input_ids": ids, "encoder_hidden_states": state["enc"]}
            first = state["past"] is None
            empty = np.zeros((1, self.h, 0, self.hd), dtype=np.float32)
            for i in range(n):
                for w in ("decoder", "encoder"):
                    for kv in ("key", "value"):
                        name = f"past_key_values.{i}.{w}.{kv}"
                        feeds[name] = empty if first else state["past"][name]
            feeds["use_cache_branch"] = np.array([not first])
            out = self.s.run("decoder_model_merged", feeds)
        elif state["past"] is None:
            out = self.s.run("decoder_model", {"input_ids": ids, "encoder_hidden_states": state["enc"]})
        else:
            feeds = {"input_ids": ids}
            feeds.update(state["past"])
            out = self.s.run("decoder_with_past_model", feeds)
        past = {} if state["past"] is None else dict(state["past"])
        for i in range(n):
            for kv in ("key", "value"):
                past[f"past_key_values.{i}.decoder.{kv}"] = out[f"present.{i}.decoder.{kv}"]
                if state["past"] is None:  # the encoder cache of the first step is kept for every later step
                    past[f"past_key_values.{i}.encoder.{kv}"] = out[f"present.{i}.encoder.{kv}"]
        state["past"] = past
        return out["logits"][0]

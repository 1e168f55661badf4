#!/usr/bin/python3
"""ONNX-vs-PyTorch parity of tiny-video-vlm (a quick check, no training data needed):

1. the frozen encoder rebuilt in PyTorch from models/tiny-captioner/onnx/encoder_model.onnx's initializers
   (video_vlm.load_frozen_encoder) against that graph (onnxruntime-node), on 8 frames of real clips;
2. models/tiny-video-vlm/onnx/vision_encoder.onnx, embed_tokens.onnx and decoder_model_merged.onnx (first step and
   a cached step) against the PyTorch model of a checkpoint (default .zoo-data/tiny-video-vlm.pt).

    /usr/bin/python3 tools/zoo/video/parity.py [--ckpt PATH]     # prints max abs differences, exits 1 above 1e-4
"""
import argparse
import json
import os
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import eval_video_vlm as E  # noqa: E402
import train_video_vlm as T  # noqa: E402
import video_vlm as V  # noqa: E402
import world  # noqa: E402
import common  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=T.CKPT)
    ap.add_argument("--folder", default=T.OUT)
    args = ap.parse_args()
    torch.set_num_threads(1)
    work = tempfile.mkdtemp(prefix="video-parity-")
    px = []
    for i in range(4):
        frames, rec, _, _ = world.make_clip(4242, i, audio=False, only=V.sample_indices)
        px.append(V.normalize(V.resize_frames(frames)))
    px = np.stack(px).astype(np.float32)                               # [4, 8, 3, 64, 64]
    flat = px.reshape(-1, 3, V.IMAGE, V.IMAGE)
    common.save_tensors(f"{work}/enc", {"pixel_values": flat})
    common.node("run", V.CAPTIONER_ENCODER, f"{work}/enc", f"{work}/enc_out")
    with torch.no_grad():
        ref = V.FrozenEncoder()(torch.from_numpy(flat)).numpy()
    diffs = {"captioner encoder_model.onnx vs rebuilt frozen encoder":
             float(np.abs(common.load_tensors(f"{work}/enc_out")["last_hidden_state"] - ref).max())}
    model, tok, _ = T.load_model(args.ckpt)
    common.save_tensors(f"{work}/vis", {"pixel_values_videos": px})
    common.node("run", os.path.join(args.folder, "onnx", "vision_encoder.onnx"), f"{work}/vis", f"{work}/vis_out")
    feats_onnx = common.load_tensors(f"{work}/vis_out")["video_features"]
    items = [(i, q, "") for i in range(len(px)) for q in ("describe the video.", "what appears?")]
    d, _ = E.parity(model, tok, px, feats_onnx, items, args.folder, work)
    diffs.update(d)
    print(json.dumps(diffs, indent=1))
    sys.exit(0 if max(diffs.values()) < 1e-4 else 1)


if __name__ == "__main__":
    main()

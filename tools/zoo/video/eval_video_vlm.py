#!/usr/bin/python3
"""Held-out evaluation of models/tiny-video-vlm from real files, and ONNX-vs-PyTorch parity.

    tools/zoo/vision/with-openblas.sh /usr/bin/python3 tools/zoo/video/eval_video_vlm.py [--count 400]

1. world.py --seed 1001 writes the held-out clips as MP4/WebM files (.zoo-data/video-heldout-s1001-n<count>);
2. each file is decoded by the ffmpeg binary to rgb24 (every frame), 8 frames are sampled with
   np.linspace(0, frames - 1, 8).astype(int), resized to 64x64 (Pillow bilinear), rescaled and normalized
   (mean = std = 0.5): the SDK's preprocessing;
3. the exported graphs answer every question of every clip (onnxruntime-node, tools/zoo/node/video-ort.mjs:
   vision_encoder -> embed_tokens, <video> rows replaced by the video features -> decoder_model_merged, greedy,
   stop at <|im_end|>); PyTorch (the checkpoint) answers the same prompts from the same pixels;
4. accuracy per question type, description exact match, PyTorch/ONNX agreement and graph parity go to
   models/tiny-video-vlm/eval.json (with --write).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train_video_vlm as T  # noqa: E402
import video_vlm as V  # noqa: E402
import world  # noqa: E402
import common  # noqa: E402
from common import log, write_json  # noqa: E402

HELDOUT_SEED = 1001


def heldout_dir(count, same_shape=False):
    d = os.path.join(common.DATA, f"video-heldout-s{HELDOUT_SEED}-n{count}" + ("-same-shape" if same_shape else ""))
    if not os.path.exists(os.path.join(d, "labels.jsonl")):
        world.main(["--seed", str(HELDOUT_SEED), "--count", str(count), "--out", d, "--workers", "2"]
                   + (["--same-shape"] if same_shape else []))
    return d


def decode(path, width, height):
    """Every frame of the file as uint8 [n, height, width, 3] through `ffmpeg -f rawvideo -pix_fmt rgb24`."""
    raw = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24",
                          "-"], check=True, capture_output=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)


def preprocess(d, recs):
    px = []
    for r in recs:
        frames = decode(os.path.join(d, r["file"]), r["width"], r["height"])
        assert len(frames) == r["frames"], (r["file"], len(frames), r["frames"])
        px.append(V.normalize(V.resize_frames(frames[V.sample_indices(len(frames))])))
    return np.stack(px).astype(np.float32)


def onnx_answers(tok, px, items, folder, work):
    groups = {}
    for k, (i, q, a) in enumerate(items):
        groups.setdefault(len(tok.encode(T.expand(T.render(q)))), []).append(k)
    gens = [None] * len(items)
    # the vision encoder once over every video (chunks of 16), then one decoding run per prompt length
    common.save_tensors(f"{work}/vis", {"pixel_values_videos": px})
    common.node("run", os.path.join(folder, "onnx", "vision_encoder.onnx"), f"{work}/vis", f"{work}/vis_out", 16)
    feats = common.load_tensors(f"{work}/vis_out")["video_features"]
    for L, ks in sorted(groups.items()):
        ids = np.array([tok.encode(T.expand(T.render(items[k][1]))) for k in ks], np.int64)
        common.save_tensors(f"{work}/in_{L}", {"video_features": feats, "input_ids": ids,
                                               "video_index": np.array([items[k][0] for k in ks], np.int64)})
        r = subprocess.run(["node", os.path.join(common.NODE_DIR, "video-ort.mjs"), "vlm", folder, f"{work}/in_{L}",
                            f"{work}/out_{L}"], capture_output=True, text=True)
        if r.returncode:
            raise RuntimeError(r.stderr)
        o = common.load_tensors(f"{work}/out_{L}")
        end = tok.special_ids["<|im_end|>"]
        for row, k in enumerate(ks):
            g = [int(t) for t in o["generated"][row] if t >= 0]
            gens[k] = tok.decode(g[:g.index(end)] if end in g else g)
    return gens, feats


def by_objects(recs, items, preds):
    """Accuracy per question type on one- and two-object clips, and, of the colour / which-way errors on two-object
    clips, the share that is the other object's answer (the attribute bound to the wrong object)."""
    acc, swapped = {}, {}
    for (i, q, a), p in zip(items, preds):
        t = T.qtype(q)
        two = len(recs[i]["objects"]) == 2
        acc.setdefault(t, {}).setdefault("two objects" if two else "one object", []).append(p == a)
        if two and t in ("colour", "which_way") and p != a:
            other = [x["answer"] for x in T.trained_questions(recs[i]) if T.qtype(x["question"]) == t and x["question"] != q]
            swapped.setdefault(t, []).append(bool(other) and p == other[0])
    out = {t: {k: round(float(np.mean(v)), 4) for k, v in sorted(d.items())} for t, d in sorted(acc.items())}
    for t, v in swapped.items():
        out[t]["two-object errors that are the other object's answer"] = round(float(np.mean(v)), 4)
    return out


@torch.no_grad()
def parity(model, tok, px, feats_onnx, items, folder, work):
    """Max abs differences ONNX vs PyTorch: vision encoder (on the held-out pixels), embeddings, decoder first step
    (empty past) and a cached step."""
    vis = V.VisionExport(V.FrozenEncoder(), model.connector).eval()
    feats = torch.cat([vis(torch.from_numpy(px[lo:lo + 32])) for lo in range(0, len(px), 32)])
    diffs = {"vision_encoder.video_features": float(np.abs(feats_onnx - feats.numpy()).max())}
    L0 = len(tok.encode(T.expand(T.render(items[0][1]))))
    ks = [k for k in range(len(items)) if len(tok.encode(T.expand(T.render(items[k][1])))) == L0][:16]
    ids = torch.tensor([tok.encode(T.expand(T.render(items[k][1]))) for k in ks])
    emb = model.merge(ids, feats[[items[k][0] for k in ks]], tok.special_ids["<video>"])
    diffs.update(common.language_model_parity(model, ids, emb, folder, work, V.LAYERS, V.HEADS, V.HEAD_DIM))
    return diffs, feats


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--ckpt", default=T.CKPT)
    ap.add_argument("--folder", default=T.OUT)
    ap.add_argument("--write", action="store_true", help="write models/tiny-video-vlm/eval.json")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--no-torch", action="store_true", help="skip the PyTorch answers (parity is still checked)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N held-out files")
    ap.add_argument("--torch-only", type=int, default=0, metavar="N",
                    help="only PyTorch on the first N held-out files (a progress check of a checkpoint, no ONNX)")
    ap.add_argument("--same-shape", action="store_true",
                    help="held-out clips of same-shape pairs, one still and one moving (world.py --same-shape)")
    args = ap.parse_args()
    if args.same_shape and args.write:
        ap.error("--write records the world's own held-out set; --same-shape is a side check")
    torch.set_num_threads(args.threads)
    t0 = time.time()
    d = heldout_dir(args.count, args.same_shape)
    recs = [json.loads(line) for line in open(os.path.join(d, "labels.jsonl"), encoding="utf-8")]
    cache = d + "-pixel_values_videos.npy"
    if os.path.exists(cache):
        px = np.load(cache)
    else:
        px = preprocess(d, recs)
        np.save(cache, px)
    log(f"decoded and preprocessed {len(recs)} files: {tuple(px.shape)}")
    model, tok, meta = T.load_model(args.ckpt)
    if args.torch_only or args.limit:
        n = args.torch_only or args.limit
        recs, px = recs[:n], px[:n]
    items = [(i, x["question"], x["answer"]) for i, r in enumerate(recs) for x in T.trained_questions(r)]
    if args.torch_only:
        with torch.no_grad():
            vis = V.VisionExport(V.FrozenEncoder(), model.connector).eval()
            feats = torch.cat([vis(torch.from_numpy(px[lo:lo + 32])) for lo in range(0, len(px), 32)])
        preds = T.greedy(model, tok, feats[[i for i, _, _ in items]], [q for _, q, _ in items])
        log(f"step {meta['step']} pytorch", T.score(items, preds))
        log("pytorch by clip", by_objects(recs, items, preds))
        for (i, q, a), p in zip(items, preds):
            if p != a:
                print(f"  {recs[i]['file']}: {q} -> {p!r}, expected {a!r}")
        return
    work = os.path.join(common.DATA, "tiny-video-vlm-onnx")
    opreds, feats_onnx = onnx_answers(tok, px, items, args.folder, work)
    ores = T.score(items, opreds)
    log("onnx", ores)
    log("onnx by clip", by_objects(recs, items, opreds))
    diffs, feats = parity(model, tok, px, feats_onnx, items, args.folder, work)
    log("parity", diffs)
    if args.no_torch:   # the ONNX answers only (a busy machine); parity above still compares the graphs
        preds, res, agree = None, None, None
    else:
        preds = T.greedy(model, tok, feats[[i for i, _, _ in items]], [q for _, q, _ in items])
        res = T.score(items, preds)
        log("pytorch", res)
        agree = float(np.mean([a == b for a, b in zip(preds, opreds)]))
        log(f"onnx == pytorch on {agree:.4f}; {time.time() - t0:.0f} s")
    if not args.write:
        return
    # the runs this model went through before this one, newest first: the checkpoint it started from (--init), then
    # the runs of the exported folder that one (or this one) started from (--init-folder), as that folder's eval.json
    # lists them; the card adds their times up
    previous, m0 = [], None
    init = meta.get("args", {}).get("init")
    step_init = init
    while step_init and os.path.exists(step_init + ".json"):   # a fine-tune of a fine-tune: follow the chain
        with open(step_init + ".json") as f:
            m0 = json.load(f)
        previous.append({"checkpoint": os.path.basename(step_init), "pool": m0["args"].get("pool", "average"),
                         "init_folder": m0["args"].get("init_folder") or None,
                         "mixer_layers": m0["args"].get("mix", 0), "motion_merge": m0["args"].get("motion", False),
                         "answer_loss_power": m0["args"].get("answer_power", 0.0),
                         "two_object_share": m0["args"].get("two_share") or None, "lr": m0["args"].get("lr"),
                         "same_shape_clips": m0["args"].get("same_shape_clips") or None,
                         "same_shape_share": m0["args"].get("same_shape_share") or None,
                         "clips": m0["args"]["clips"], "steps": m0["step"], "clips_per_step": m0["args"]["batch"],
                         "seconds": round(m0["elapsed"])})
        step_init = m0["args"].get("init")
    init_folder = meta.get("args", {}).get("init_folder") or (m0 or {}).get("args", {}).get("init_folder")
    if init_folder and os.path.exists(os.path.join(init_folder, "eval.json")):
        with open(os.path.join(init_folder, "eval.json"), encoding="utf-8") as f:
            e0 = json.load(f)
        previous += [e0["train"]] + ([e0["train_first_run"]] if e0.get("train_first_run") else []) \
            + e0.get("previous_runs", [])
    by_kind = {}
    for (i, q, a), p in zip(items, opreds):
        if q == "describe the video.":
            k = "two objects" if len(recs[i]["objects"]) == 2 else "one object"
            by_kind.setdefault(k, []).append(p == a)
    write_json(os.path.join(args.folder, "eval.json"), {
        "model": "tiny-video-vlm",
        "heldout": {"generator": "tools/zoo/video/world.py", "seed": HELDOUT_SEED, "count": len(recs),
                    "files": "MP4 (H.264) and, 1 in 5, WebM (VP9), decoded by ffmpeg to rgb24"},
        "train": {"generator_seed": T.TRAIN_SEED, "pool": meta["args"].get("pool", "average"),
                  "init": os.path.basename(init) if init else None, "clips": meta["args"]["clips"], "torch_seed": T.SEED,
                  "steps": meta["step"], "clips_per_step": meta["args"]["batch"],
                  "init_folder": meta["args"].get("init_folder") or None, "mixer_layers": meta["args"].get("mix", 0),
                  "motion_merge": meta["args"].get("motion", False),
                  "answer_loss_power": meta["args"].get("answer_power", 0.0),
                  "two_object_share": meta["args"].get("two_share") or None, "lr": meta["args"].get("lr"),
                  "same_shape_clips": meta["args"].get("same_shape_clips") or None,
                  "same_shape_share": meta["args"].get("same_shape_share") or None,
                  "seconds": round(meta["elapsed"]), "device": meta.get("device", "cpu")},
        "previous_runs": previous,
        "train_seconds_all_runs": round(meta["elapsed"]) + sum(r.get("seconds", 0) for r in previous),
        "params_trained": common.count_params(model),
        "preprocessing": "all frames decoded (ffmpeg rgb24); 8 sampled at np.linspace(0, n - 1, 8).astype(int); "
                         "Pillow bilinear resize to 64x64 (aspect ratio not kept); rescale 1/255; mean/std 0.5",
        "prompt": T.render("{question}") + f"  (<video> expanded to {V.VIDEO_TOKENS} copies)",
        "decoding": f"greedy, stop at <|im_end|>, max_new_tokens {T.MAX_NEW}",
        "metrics": {t: {"onnx": ores[t]["accuracy"], "pytorch": res[t]["accuracy"] if res else None,
                        "questions": ores[t]["questions"]} for t in ores},
        "describe_exact_match_by_clip": {k: round(float(np.mean(v)), 4) for k, v in sorted(by_kind.items())},
        "onnx_by_clip": by_objects(recs, items, opreds),
        "onnx_identical_answers": None if agree is None else round(agree, 4),
        "parity_max_abs_diff": diffs,
        "files": common.file_sizes(args.folder),
        "predictions": [{"file": recs[i]["file"], "question": q, "answer": p, "expected": a}
                        for (i, q, a), p in zip(items, opreds) if i < 60],
    })
    log("wrote eval.json")


if __name__ == "__main__":
    main()

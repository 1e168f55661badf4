#!/usr/bin/python3
"""tiny-video-vlm: training and export (models/tiny-video-vlm, LLaVA-NeXT-Video contract), on the video world.

    tools/zoo/vision/with-openblas.sh nice -n -5 /usr/bin/python3 tools/zoo/video/train_video_vlm.py
    ... train_video_vlm.py --export-only          # contract folder from the last checkpoint
    ... train_video_vlm.py --export-only --random # contract folder with untrained weights (for the C# side)

Data: clips 0..N-1 of tools/zoo/video/world.py --seed 0, rendered in memory (only the 8 uniformly sampled frames),
each frame degraded by a JPEG round trip at quality 35..95 with 4:2:0 chroma (what H.264/VP9 yuv420p does to the
decoded pixels, cheaply), resized 64x64 bilinear, through the frozen encoder and pooled once per clip; cached in
.zoo-data/video (chunks of 500 clips). Training: each step takes the clips rng([SEED, step]) picks; every clip is
one packed sequence: the prompt prefix `<|im_start|>user\\n` + 128 video tokens, then every question of the clip as
its own segment (`{question}<|im_end|>\\n<|im_start|>assistant\\n{answer}<|im_end|>`) that attends to the prefix and
to itself only, at the positions it would have alone: exactly single-turn training, with the prefix computed once.
Checkpoints in .zoo-data/tiny-video-vlm.pt every 100 steps; a run resumes from it with the same batches.
"""
import argparse
import io
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import video_vlm as V  # noqa: E402
import world  # noqa: E402
import common  # noqa: E402  (tools/zoo/vision/common.py, via video_vlm's path)
from common import log, write_json  # noqa: E402
from tok import Gpt2Tokenizer  # noqa: E402

OUT = os.path.join(V.ROOT, "models", "tiny-video-vlm")
DATA = os.path.join(common.DATA, "video")
CKPT = os.path.join(common.DATA, "tiny-video-vlm.pt")
SEED = 2323
TRAIN_SEED = 0
CHUNK = 500
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<video>"]
MAX_NEW = 20

CHAT_TEMPLATE = common.chatml_template("video")
PREFIX = "<|im_start|>user\n"
SUFFIX = "<|im_end|>\n<|im_start|>assistant\n"


def render(question):
    """What CHAT_TEMPLATE renders for [{role: user, content: [video, text]}] + the generation prompt."""
    return f"{PREFIX}<video>{question}{SUFFIX}"


def expand(prompt):
    return prompt.replace("<video>", "<video>" * V.VIDEO_TOKENS)


def qtype(q):
    for key, name in (("which way", "which_way"), ("what appears", "appears"), ("what disappears", "disappears"),
                      ("how many", "how_many"), ("what color", "colour"), ("describe", "describe"),
                      ("when does", "moment")):
        if q.startswith(key):
            return name
    raise ValueError(q)


def corpus():
    sh, co = world.shapes.SHAPES, world.shapes.COLOUR_NAMES
    qs = [f"which way does the {c} {s} move?" for c in co for s in sh] + ["what appears?", "what disappears?"]
    qs += ["how many shapes are there?", "describe the video."] + [f"what color is the {s}?" for s in sh]
    qs += [f"when does the {c} {s} {v}?" for c in co for s in sh for v in ("appear", "disappear")]
    ans = ["left", "right", "up", "down", "nowhere", "nothing", "one", "two"] + co
    ans += [f"{c} {s}" for c in co for s in sh]
    ans += [f"a {c} {s} {v}" for c in co for s in sh
            for v in ("moves left", "moves right", "moves up", "moves down", "stays still", "appears", "disappears")]
    ans += [f"{x} and {x}" for x in ans[-5:]] + [f"{t / 8}" for t in range(33)]
    return [render(q) + a + "<|im_end|>" for q in qs for a in ans[:1]] + [a + "<|im_end|>" for a in ans] + \
        [render(q) for q in qs]


def build_tokenizer():
    return Gpt2Tokenizer(corpus(), SPECIALS)


def trained_questions(rec):
    """The questions the model answers (moment questions are the SDK's moment search, not the chat model's)."""
    return [x for x in rec["qa"] if qtype(x["question"]) != "moment"]


# ---------------------------------------------------------------- data
def degrade(frames, rng):
    """JPEG round trip (quality 35..95, 4:2:0 chroma) per frame: blocking and chroma loss like a yuv420p codec."""
    q = int(rng.integers(35, 96))
    out = np.empty_like(frames)
    for k, f in enumerate(frames):
        buf = io.BytesIO()
        Image.fromarray(f).save(buf, "JPEG", quality=q, subsampling=2)
        out[k] = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    return out


def _chunk(args):
    seed, lo, hi, kind, same_shape = args
    torch.set_num_threads(1)
    enc = V.FrozenEncoder()
    px, recs = [], []
    for i in range(lo, hi):
        frames, rec, _, _ = world.make_clip(seed, i, audio=False, only=V.sample_indices, same_shape=same_shape)
        frames = degrade(frames, np.random.default_rng([seed, i, 7]))
        px.append(V.resize_frames(frames))
        recs.append({"qa": rec["qa"], "description": rec["description"], "objects": len(rec["objects"])})
    with torch.no_grad():
        x = torch.from_numpy(V.normalize(np.stack(px)).reshape(-1, 3, V.IMAGE, V.IMAGE))
        hidden = torch.cat([enc(x[k:k + 800]) for k in range(0, len(x), 800)])
        if kind == "grid":   # the full 8x8 grid, CLS dropped
            out = hidden[:, 1:].reshape(hi - lo, V.NUM_FRAMES, V.GRID * V.GRID, V.V_DIM)
        else:
            out = V.pool_tokens(hidden).reshape(hi - lo, V.NUM_FRAMES, V.CELLS, V.V_DIM)
    return out.half().numpy(), recs


def chunk_path(seed, lo, kind, same_shape=False):
    if same_shape:
        return os.path.join(DATA, f"s{seed}-{kind}-same-shape-{lo:06d}.npz")
    return os.path.join(DATA, f"s{seed}-{lo:06d}.npz" if kind == "pooled" else f"s{seed}-{kind}-{lo:06d}.npz")


def dataset(seed, count, workers=2, kind="pooled", same_shape=False):
    """(records, frozen tokens float16) of clips 0..count-1, cached per 500 clips: kind "pooled" [count, 8, 16, 64]
    (2x2 average-pooled), "grid" [count, 8, 64, 64] (the whole 8x8 grid, for the learned "conv" pooling).
    same_shape: world.make_clip's same-shape pairs instead of the world's own draw."""
    os.makedirs(DATA, exist_ok=True)
    todo = []
    for lo in range(0, count, CHUNK):
        if not os.path.exists(chunk_path(seed, lo, kind, same_shape)):
            todo.append((seed, lo, lo + CHUNK, kind, same_shape))
    if todo:
        log(f"rendering {len(todo)} chunks of seed {seed}")
        if workers > 1:
            import multiprocessing as mp
            with mp.Pool(workers) as pool:
                for (s, lo, hi, k, same), (tk, recs) in zip(todo, pool.imap(_chunk, todo)):
                    _save_chunk(chunk_path(s, lo, k, same), lo, tk, recs)
        else:
            for job in todo:
                tk, recs = _chunk(job)
                _save_chunk(chunk_path(job[0], job[1], kind, same_shape), job[1], tk, recs)
    toks, recs = [], []
    for lo in range(0, count, CHUNK):
        with np.load(chunk_path(seed, lo, kind, same_shape)) as z:
            toks.append(z["tokens"])
            recs += json.loads(str(z["recs"]))
    toks = np.concatenate(toks)[:count]
    return recs[:count], toks


def _save_chunk(path, lo, tokens, recs):
    np.savez(path + ".tmp.npz", tokens=tokens, recs=json.dumps(recs))
    os.replace(path + ".tmp.npz", path)
    log(f"chunk {lo} done")


# ---------------------------------------------------------------- packed batches
class Packer:
    def __init__(self, tok):
        self.tok = tok
        sp = tok.special_ids
        self.video_id, self.end_id, self.pad_id = sp["<video>"], sp["<|im_end|>"], sp["<|endoftext|>"]
        self.prefix = tok.encode(PREFIX) + [self.video_id] * V.VIDEO_TOKENS
        self.cache = {}
        # the packed pieces must tokenize exactly like the whole single-turn prompt
        q = "describe the video."
        assert tok.encode(expand(render(q))) == self.prefix + self.enc(q + SUFFIX)

    def enc(self, s):
        if s not in self.cache:
            self.cache[s] = self.tok.encode(s)
        return self.cache[s]

    def batch(self, recs, idx, rng, max_q=0, power=0.0):
        """ids, targets, position ids, additive mask [b, 1, T, T] of one packed sequence per clip, and each target's
        loss weight: len(answer + end)^-power (0: every token alike; 1: every answer alike, whatever its length)."""
        P = len(self.prefix)
        rows = []
        for i in idx:
            qa = trained_questions(recs[i])
            if max_q:
                qa = [qa[k] for k in rng.permutation(len(qa))[:max_q]]
            ids, tgt, pos, seg = list(self.prefix), [-100] * P, list(range(P)), [0] * P
            wt = [0.0] * P
            for s, x in enumerate(qa, 1):
                p = self.enc(x["question"] + SUFFIX)
                a = self.enc(x["answer"]) + [self.end_id]
                piece = p + a
                ids += piece
                # the token before each answer token predicts it
                tgt += [-100] * (len(p) - 1) + a + [-100]
                wt += [0.0] * (len(p) - 1) + [len(a) ** -power] * len(a) + [0.0]
                pos += list(range(P, P + len(piece)))
                seg += [s] * len(piece)
            rows.append((ids, tgt, pos, seg, wt))
        T = max(len(r[0]) for r in rows)
        b = len(rows)
        ids = np.full((b, T), self.pad_id, np.int64)
        tgt = np.full((b, T), -100, np.int64)
        pos = np.zeros((b, T), np.int64)
        seg = np.full((b, T), -1, np.int64)
        wts = np.zeros((b, T), np.float32)
        for k, (a, t, p, s, w) in enumerate(rows):
            n = len(a)
            ids[k, :n], tgt[k, :n], pos[k, :n], seg[k, :n], wts[k, :n] = a, t, p, s, w
        segq, segk = seg[:, :, None], seg[:, None, :]
        ar = np.arange(T)
        causal = ar[None, :] <= ar[:, None]
        allowed = causal[None] & ((segk == 0) | (segk == segq)) & (segk >= 0)
        allowed |= np.eye(T, dtype=bool)[None]   # padding rows see themselves (no empty softmax)
        mask = np.where(allowed, 0.0, -1e9).astype(np.float32)[:, None]
        return (torch.from_numpy(ids), torch.from_numpy(tgt), torch.from_numpy(pos), torch.from_numpy(mask),
                torch.from_numpy(wts))


def forward_loss(model, packer, feats, ids, tgt, pos, mask, wts):
    """The weighted mean of the targets' cross-entropies (weights from Packer.batch)."""
    emb = model.merge(ids, feats, packer.video_id)
    logits, _ = model.decoder(emb, None, pos, mask4d=mask)
    ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1), ignore_index=-100, reduction="none")
    w = wts.reshape(-1)
    return (ce * w).sum() / w.sum()


def train(args):
    """Runs the training (in --procs data-parallel processes, each with 1 thread: every step's batch is split between
    them and their gradients averaged, so the run is the same whatever the split) and returns the trained model."""
    dataset(TRAIN_SEED, args.clips, args.workers, KIND[args.pool])  # build the cache once, before the workers load it
    if args.same_shape_clips:
        dataset(TRAIN_SEED, args.same_shape_clips, args.workers, KIND[args.pool], same_shape=True)
    if args.procs > 1:
        import socket
        import torch.multiprocessing as mp
        with socket.socket() as sk:
            sk.bind(("127.0.0.1", 0))
            port = sk.getsockname()[1]
        mp.spawn(_worker, args=(args, port), nprocs=args.procs, join=True)
    else:
        _worker(0, args, None)
    return load_model(CKPT)[0]


def _worker(rank, args, port):
    import torch.distributed as dist
    global CKPT
    CKPT = args.ckpt
    torch.set_num_threads(args.threads)
    # denormal floats (tiny gradients and optimizer moments late in training) take the slow path on x86: without
    # flushing them to zero a step took 1.6x as long by step 1000 (0.38 -> 0.6 s on 2 quiet cores)
    torch.set_flush_denormal(True)
    world_size = args.procs
    if world_size > 1:
        dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world_size)
    torch.manual_seed(SEED)
    recs, toks = dataset(TRAIN_SEED, args.clips, 1, KIND[args.pool])
    n_base = len(recs)
    if args.same_shape_clips:   # appended after the world's clips: indices n_base.. are the same-shape pairs
        srecs, stoks = dataset(TRAIN_SEED, args.same_shape_clips, 1, KIND[args.pool], same_shape=True)
        recs, toks = recs + srecs, np.concatenate([toks, stoks])
    toks = torch.from_numpy(toks)
    tok = build_tokenizer()
    packer = Packer(tok)
    model = V.TinyVideoVlm(len(tok.vocab), args.pool, args.mix, args.motion)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    step, elapsed = 0, 0.0
    if os.path.exists(CKPT):
        st = torch.load(CKPT, map_location="cpu")
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        step, elapsed = st["step"], st["elapsed"]
        if rank == 0:
            log(f"resumed at step {step}")
    elif args.init_folder or args.init:
        # a later phase: an exported folder's weights (read back from its ONNX graphs) or another run's checkpoint,
        # a fresh optimizer and schedule, other batches (--phase)
        w = V.weights_from_folder(args.init_folder) if args.init_folder else common.load_ckpt(args.init)[0]
        if args.init_lm_only:   # the language model only (a run with another connector)
            w = {k: v for k, v in w.items() if not k.startswith("connector.")}
            w.update({k: v for k, v in model.state_dict().items() if k.startswith("connector.")})
        # parts this run adds (mixer blocks, the motion merge) start as they were made: as the identity
        missing, unexpected = model.load_state_dict(w, strict=False)
        assert not unexpected and all(k.startswith(NEW_PARTS) for k in missing), (missing, unexpected)
        if rank == 0:
            log(f"initialised from {args.init_folder or args.init} ({len(missing)} new tensors)")
    if rank == 0:
        log(f"params {common.count_params(model)}, {len(recs)} clips, {args.steps} steps of {args.batch} clips, "
            f"{world_size} process(es)")
    counts = np.array([r["objects"] for r in recs[:n_base]])
    by_count = {n: np.flatnonzero(counts == n) for n in (1, 2)}
    params = [p for p in model.parameters()]
    model.train()
    t0 = time.time()
    last = time.time()
    losses = []
    stop = min(args.steps, args.train_until or args.steps)
    warm = min(200, args.steps // 10) if args.warmup is None else args.warmup
    while step < stop:
        key = [SEED, step] if args.phase == 0 else [SEED, 1000 + args.phase, step]
        rng = np.random.default_rng(key)
        if args.two_share:   # a fixed share of two-object clips per step (still drawn from rng([.., step]))
            two = rng.random(args.batch) < args.two_share
            idx = np.where(two, by_count[2][rng.integers(0, len(by_count[2]), args.batch)],
                           by_count[1][rng.integers(0, len(by_count[1]), args.batch)])
        else:
            idx = rng.integers(0, n_base, args.batch)
        if args.same_shape_share:   # drawn after the step's other draws, so without it the batches are unchanged
            same = rng.random(args.batch) < args.same_shape_share
            idx = np.where(same, n_base + rng.integers(0, len(recs) - n_base, args.batch), idx)
        mine = idx[rank::world_size]
        ids, tgt, pos, mask, wts = packer.batch(recs, mine, np.random.default_rng(key + [rank]), args.max_q,
                                                args.answer_power)
        for g in opt.param_groups:
            g["lr"] = common.lr_at(step, args.steps, args.lr, warm=warm)
        feats = model.connector(toks[torch.as_tensor(mine)].float())
        loss = forward_loss(model, packer, feats, ids, tgt, pos, mask, wts)
        opt.zero_grad()
        loss.backward()
        if world_size > 1:
            flat = torch.cat([p.grad.reshape(-1) for p in params] + [loss.detach().reshape(1)])
            dist.all_reduce(flat)
            flat /= world_size
            o = 0
            for p in params:
                n = p.numel()
                p.grad.copy_(flat[o:o + n].view_as(p))
                o += n
            loss_value = float(flat[-1])
        else:
            loss_value = loss.item()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        losses.append(loss_value)
        if step % 25 == 0 and rank == 0:
            now = time.time()
            log(f"step {step} loss {np.mean(losses):.4f} {(now - last) / 25:.2f}s/step")
            losses = []
            last = now
        if (step % 100 == 0 or step == stop) and rank == 0:
            common.save_ckpt(CKPT, model=common.cpu_state(model), opt=opt.state_dict(), step=step, args=vars(args),
                             elapsed=elapsed + time.time() - t0, device=f"cpu x{world_size} processes")
    if world_size > 1:
        dist.barrier()
        dist.destroy_process_group()


KIND = {"average": "pooled", "conv": "grid"}


NEW_PARTS = ("connector.mix.", "connector.motion.")


# ---------------------------------------------------------------- greedy decoding (PyTorch reference)
def greedy(model, tok, feats, questions, max_new=MAX_NEW):
    """feats [n, 128, H] (row per question) -> answers (strings)."""
    prompts = [tok.encode(expand(render(q))) for q in questions]
    sp = tok.special_ids
    return common.answers(tok, common.greedy_tokens(model, prompts, feats, sp["<video>"], sp["<|im_end|>"], max_new))


def score(items, preds):
    return common.score(items, preds, qtype, digits=4)


@torch.no_grad()
def quick_eval(model, tok, recs, toks):
    """Accuracy per question type on cached (in-memory, JPEG-degraded) clips: the training run's progress check."""
    model.eval()
    feats = model.connector(torch.from_numpy(toks).float())
    items = [(i, x["question"], x["answer"]) for i, r in enumerate(recs) for x in trained_questions(r)]
    preds = greedy(model, tok, feats[[i for i, _, _ in items]], [q for _, q, _ in items])
    model.train()
    return score(items, preds)


# ---------------------------------------------------------------- export (the contract)
def export(model, tok, out=OUT):
    on = os.path.join(out, "onnx")
    os.makedirs(on, exist_ok=True)
    model.eval()
    enc = V.FrozenEncoder()
    kw = dict(opset_version=17, do_constant_folding=True)
    px = torch.zeros(2, V.NUM_FRAMES, 3, V.IMAGE, V.IMAGE)
    torch.onnx.export(V.VisionExport(enc, model.connector), (px,), os.path.join(on, "vision_encoder.onnx"),
                      input_names=["pixel_values_videos"], output_names=["video_features"],
                      dynamic_axes={"pixel_values_videos": {0: "batch_size"},
                                    "video_features": {0: "batch_size", 1: "video_seq_length"}},
                      **kw)
    common.export_language_model(model, on, V.LAYERS, **kw)
    write_configs(tok, out, model.connector.mode, len(model.connector.mix), model.connector.motion is not None)


def write_configs(tok, out=OUT, pool_mode="conv", mix=0, motion=False):
    sp = tok.special_ids
    common.write_chat_tokenizer(tok, out, SPECIALS, "video", V.N_POS, processor_class="LlavaNextVideoProcessor")
    video_proc = {
        "do_convert_rgb": True, "do_resize": True, "size": {"height": V.IMAGE, "width": V.IMAGE}, "resample": 2,
        "do_center_crop": False, "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True,
        "image_mean": V.MEAN, "image_std": V.STD, "do_sample_frames": True, "num_frames": V.NUM_FRAMES,
        "video_processor_type": "LlavaNextVideoVideoProcessor", "processor_class": "LlavaNextVideoProcessor"}
    write_json(os.path.join(out, "video_preprocessor_config.json"), video_proc)
    # LlavaNextVideoProcessor expands <video> to num_frames * (64 // patch_size)^2 // 4 = 8 * 16 = 128 copies
    write_json(os.path.join(out, "processor_config.json"), {
        "processor_class": "LlavaNextVideoProcessor", "video_token": "<video>", "patch_size": V.PATCH,
        "num_additional_image_tokens": 0, "vision_feature_select_strategy": "default", "chat_template": CHAT_TEMPLATE})
    vocab = len(tok.vocab)
    write_json(os.path.join(out, "config.json"), {
        "architectures": ["LlavaNextVideoForConditionalGeneration"],
        "model_type": "llava_next_video",
        "video_token_index": sp["<video>"],
        "video_seq_length": V.VIDEO_TOKENS,
        "num_frames": V.NUM_FRAMES,
        "spatial_pool_mode": pool_mode,
        "spatial_pool_stride": V.POOL,
        "vision_feature_select_strategy": "default",
        "vision_feature_layer": -1,
        "projector_hidden_act": "gelu",
        "frame_position_embeddings": True,
        "video_token_mixer_layers": mix,
        "spatio_temporal_merge": motion,
        "ignore_index": -100,
        "pad_token_id": sp["<|endoftext|>"],
        "tie_word_embeddings": False,
        "torch_dtype": "float32",
        "transformers_version": "4.46.0",
        "text_config": common.llama_text_config(tok, vocab, V.H, V.INTER, V.LAYERS, V.HEADS, V.N_POS, V.ROPE_THETA),
        "vision_config": {
            "model_type": "clip_vision_model", "hidden_size": V.V_DIM, "intermediate_size": 4 * V.V_DIM,
            "num_hidden_layers": V.V_LAYERS, "num_attention_heads": V.V_HEADS, "image_size": V.IMAGE,
            "patch_size": V.PATCH, "num_channels": 3, "hidden_act": "gelu", "layer_norm_eps": 1e-5,
            "frozen_from": "models/tiny-captioner/onnx/encoder_model.onnx",
            "patch_embedding": "conv_stem", "conv_stem_channels": [24, 48, 64], "conv_stem_kernel_size": 3,
            "conv_stem_stride": 2, "conv_stem_activation": "gelu"},
    })
    common.write_generation_config(tok, out, MAX_NEW)


def load_model(path=CKPT):
    tok = build_tokenizer()
    w, meta = common.load_ckpt(path)
    a = meta.get("args", {})
    model = V.TinyVideoVlm(len(tok.vocab), a.get("pool", "average"), a.get("mix", 0), a.get("motion", False))
    model.load_state_dict(w)
    return model.eval(), tok, meta


def main():
    global CKPT
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=24, help="clips per step (one packed sequence each)")
    ap.add_argument("--max-q", type=int, default=0, help="questions per clip per step (0: all)")
    ap.add_argument("--clips", type=int, default=16000)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1, help="torch threads per process")
    ap.add_argument("--procs", type=int, default=2, help="data-parallel training processes (gloo)")
    ap.add_argument("--ckpt", default=CKPT)
    ap.add_argument("--out", default=OUT, help="model folder to export to")
    ap.add_argument("--init", default="", help="start from these weights (a checkpoint path), fresh optimizer")
    ap.add_argument("--pool", choices=["average", "conv"], default="conv",
                    help="spatial_pool_mode: 2x2 average of the frozen tokens, or a learned 2x2 stride-2 convolution")
    ap.add_argument("--init-folder", default="",
                    help="start from an exported model folder's weights (read back from its ONNX graphs), fresh optimizer")
    ap.add_argument("--mix", type=int, default=0,
                    help="bidirectional mixer blocks over the video tokens after the projector (new ones start as identity)")
    ap.add_argument("--motion", action="store_true",
                    help="with --pool conv: add a 3-frame x 4x4-patch space-time merge to the 2x2 one (starts at zero)")
    ap.add_argument("--answer-power", type=float, default=0.0,
                    help="loss weight of an answer's tokens: len(answer)^-p (0: per token; 1: per answer)")
    ap.add_argument("--init-lm-only", action="store_true", help="with --init: take the language model only")
    ap.add_argument("--train-until", type=int, default=0,
                    help="stop (checkpoint, no export) at this step of a --steps schedule; resume later")
    ap.add_argument("--phase", type=int, default=0, help="batch stream of this run (0: first run, 1: --init run)")
    ap.add_argument("--warmup", type=int, default=None, help="warm-up steps (default: steps / 10, at most 200)")
    ap.add_argument("--data-only", action="store_true", help="build the training cache and stop")
    ap.add_argument("--export-only", action="store_true")
    ap.add_argument("--random", action="store_true", help="with --export-only: untrained weights (torch seed)")
    ap.add_argument("--two-share", type=float, default=0.0,
                    help="share of two-object clips in each step's batch (0: uniform over the clips, ~35%%)")
    ap.add_argument("--same-shape-clips", type=int, default=0,
                    help="also cache this many same-shape pair clips (world.make_clip same_shape: one still, one moving)")
    ap.add_argument("--same-shape-share", type=float, default=0.0,
                    help="share of each step's clips taken from the same-shape pairs (needs --same-shape-clips)")
    ap.add_argument("--val", type=int, default=300, help="clips of seed 1 checked after training (in memory)")
    args = ap.parse_args()
    if args.same_shape_share and not args.same_shape_clips:
        ap.error("--same-shape-share needs --same-shape-clips")
    CKPT = args.ckpt
    torch.set_num_threads(args.threads)
    if args.data_only:
        dataset(TRAIN_SEED, args.clips, args.workers, KIND[args.pool])
        return
    if args.export_only and args.random:
        torch.manual_seed(SEED)
        tok = build_tokenizer()
        model = V.TinyVideoVlm(len(tok.vocab), args.pool, args.mix, args.motion)
        export(model, tok, args.out)
        log("exported untrained weights")
        return
    if args.export_only:
        model, tok, meta = load_model(CKPT)
    else:
        model, tok = train(args), build_tokenizer()
        if args.train_until and args.train_until < args.steps:
            return
    if args.val:
        recs, toks = dataset(1, args.val, args.workers, KIND[model.connector.mode])
        log("validation (seed 1, in memory)", quick_eval(model, tok, recs, toks))
    export(model, tok, args.out)
    log("exported", args.out)


if __name__ == "__main__":
    main()

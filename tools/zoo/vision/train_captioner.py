#!/usr/bin/python3
"""tiny-captioner: ViT encoder + GPT-2 decoder (cross-attention) on the shapes world, exported in the
Optimum vision-encoder-decoder contract (encoder_model, decoder_model, decoder_with_past_model,
decoder_model_merged with use_cache_branch), evaluated by greedy decoding.

    tools/zoo/vision/with-openblas.sh nice -n 5 /usr/bin/python3 tools/zoo/vision/train_captioner.py

Fine-tune (finetune_captioner.sh): --init CKPT starts from a whole model (from_onnx_captioner.py recovers the committed
one) with a fresh optimizer and trains all of it, the encoder included (its ViT is this model's own copy: tiny-clip and
tiny-vlm carry theirs in their own ONNX files); --variety-count N adds N images of `shapes.py --variety` (seed
--variety-seed) to the first --train-count default images; --out DIR exports elsewhere than models/tiny-captioner (to
compare before landing).
"""
import argparse
import math
import os
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

import common
from common import ViT, log
from tok import Gpt2Tokenizer, write_json

OUT = os.path.join(common.ROOT, "models", "tiny-captioner")
CKPT = os.path.join(common.DATA, "tiny-captioner.pt")
SEED = 4321
IMAGE, PATCH = 64, 8
E_DIM, E_LAYERS, E_HEADS = 64, 2, 4
D_DIM, D_LAYERS, D_HEADS = 64, 2, 4
N_POS = 32
MAX_LEN = 24
KIND = "bilinear64"  # ViTImageProcessor: 64x64 resize (Pillow bilinear), no crop, mean/std 0.5


def world_captions():
    sh, co = common.shapes.SHAPES, common.shapes.COLOUR_NAMES
    caps = [f"a {z} {c} {s}" for z in ("small", "large") for c in co for s in sh]
    caps += [f"a {c} {s} {r} a {c2} {s2}" for r in ("to the left of", "above") for c, c2 in zip(co, co[1:] + co[:1])
             for s, s2 in zip(sh, sh[1:] + sh[:1])]
    return caps


class SelfAttention(nn.Module):
    """GPT-2 attention with an explicit cache: present = concat(past, new) along the time axis."""

    def __init__(self, dim, heads, kv_dim=None):
        super().__init__()
        self.h, self.d = heads, dim // heads
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(kv_dim or dim, dim)
        self.v = nn.Linear(kv_dim or dim, dim)
        self.o = nn.Linear(dim, dim)

    def split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.h, self.d).transpose(1, 2)

    def attend(self, q, k, v, mask):
        att = (q * (1.0 / math.sqrt(self.d))) @ k.transpose(-1, -2)
        if mask is not None:
            att = att + mask
        y = att.softmax(-1) @ v
        b, _, t, _ = y.shape
        return self.o(y.transpose(1, 2).reshape(b, t, self.h * self.d))

    def forward(self, x, past_k=None, past_v=None, mask=None):
        q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
        if past_k is not None:
            k = torch.cat([past_k, k], 2)
            v = torch.cat([past_v, v], 2)
        return self.attend(q, k, v, mask), k, v

    def cross(self, x, enc):
        return self.attend(self.split(self.q(x)), self.split(self.k(enc)), self.split(self.v(enc)), None)


class DecoderBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(D_DIM)
        self.attn = SelfAttention(D_DIM, D_HEADS)
        self.ln_cross_attn = nn.LayerNorm(D_DIM)
        self.crossattention = SelfAttention(D_DIM, D_HEADS, E_DIM)
        self.ln_2 = nn.LayerNorm(D_DIM)
        self.fc = nn.Linear(D_DIM, 4 * D_DIM)
        self.proj = nn.Linear(4 * D_DIM, D_DIM)

    def forward(self, x, enc, past_k, past_v, mask):
        a, k, v = self.attn(self.ln_1(x), past_k, past_v, mask)
        x = x + a
        x = x + self.crossattention.cross(self.ln_cross_attn(x), enc)
        x = x + self.proj(F.gelu(self.fc(self.ln_2(x))))
        return x, k, v


class Decoder(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.wte = nn.Embedding(vocab, D_DIM)
        self.wpe = nn.Embedding(N_POS, D_DIM)
        self.h = nn.ModuleList([DecoderBlock() for _ in range(D_LAYERS)])
        self.ln_f = nn.LayerNorm(D_DIM)

    def forward(self, input_ids, enc, past=None):
        t = input_ids.shape[1]
        past_len = past[0].shape[2] if past is not None else 0
        q_pos = torch.arange(t, device=input_ids.device) + past_len
        k_pos = torch.arange(t + past_len, device=input_ids.device)
        mask = (k_pos[None, :] > q_pos[:, None]).to(torch.float32) * -1e9
        x = self.wte(input_ids) + self.wpe(q_pos)[None]
        present = []
        for i, blk in enumerate(self.h):
            pk, pv = (past[2 * i], past[2 * i + 1]) if past is not None else (None, None)
            x, k, v = blk(x, enc, pk, pv, mask)
            present += [k, v]
        logits = self.ln_f(x) @ self.wte.weight.t()  # tied embeddings, as GPT-2
        return logits, present


class Encoder(nn.Module):
    def __init__(self, stem):
        super().__init__()
        self.vit = ViT(IMAGE, PATCH, E_DIM, E_LAYERS, E_HEADS, stem=stem)
        self.ln = nn.LayerNorm(E_DIM)

    def forward(self, pixel_values):
        return self.ln(self.vit(pixel_values))


class Captioner(nn.Module):
    def __init__(self, vocab, stem="patch"):
        super().__init__()
        self.encoder = Encoder(stem)
        self.decoder = Decoder(vocab)


class DecoderNoPast(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.d = d

    def forward(self, input_ids, encoder_hidden_states):
        logits, present = self.d(input_ids, encoder_hidden_states)
        return (logits, *present)


class DecoderWithPast(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.d = d

    def forward(self, input_ids, encoder_hidden_states, *past):
        logits, present = self.d(input_ids, encoder_hidden_states, list(past))
        return (logits, *present)


def pixels(u8):
    return torch.from_numpy(common.normalize(np.asarray(u8), common.HALF, common.HALF))


def build_tokenizer(recs):
    return Gpt2Tokenizer(world_captions() + [r["caption"] for r in recs[:5000]], ["<|endoftext|>"])


def train(args):
    torch.manual_seed(SEED)
    recs, arrs = common.dataset("train", common.TRAIN_SEED, args.train_count, args.workers)
    tok = build_tokenizer(recs)  # from the default images' first captions, whatever is mixed in after them
    recs, arrs = common.with_variety(recs, arrs, args, KIND)
    dev = torch.device(args.device)
    imgs = common.DeviceImages(arrs[KIND], common.HALF, common.HALF, dev)
    eos = tok.special_ids["<|endoftext|>"]
    # the weights a run starts from (its own checkpoint to resume, else --init's) decide the stem, not --stem
    st = torch.load(CKPT, map_location=dev) if os.path.exists(CKPT) else None
    init = common.load_ckpt(args.init) if st is None and args.init else None
    start_weights = st["model"] if st else init[0] if init else None
    model = Captioner(len(tok.vocab), common.stem_of(start_weights) if start_weights else args.stem).to(dev)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    step, elapsed = 0, 0.0
    if st:
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        step, elapsed = st["step"], st["elapsed"]
        log(f"resumed at step {step}")
    elif init:
        # continue from another run's weights (e.g. a time-boxed GPU run) with a fresh optimizer
        model.load_state_dict(init[0])
        log(f"initialised from {args.init} ({init[1]})")
    seqs = [[eos] + tok.encode(r["caption"]) + [eos] for r in recs]
    g = torch.Generator()
    init_info = common.init_provenance(args)  # kept in the checkpoints: --export-only needs no init file
    model.train()
    t0 = time.time()
    start = time.time() - elapsed
    # a finished run resumed (an export that failed after training) takes no further step
    frac = (time.time() - start) / (60 * args.minutes) if args.minutes else step / args.steps
    while frac < 1.0:
        g.manual_seed(SEED * 100003 + step)
        idx = torch.randint(0, len(recs), (args.batch,), generator=g).numpy()
        L = max(len(seqs[i]) for i in idx)
        ids = np.full((args.batch, L), eos, np.int64)
        tgt = np.full((args.batch, L - 1), -100, np.int64)
        for k, i in enumerate(idx):
            s = seqs[i]
            ids[k, :len(s)] = s
            tgt[k, :len(s) - 1] = s[1:]
        # with --minutes the schedule runs on wall time instead of steps (a time-boxed device run)
        frac = (time.time() - start) / (60 * args.minutes) if args.minutes else step / args.steps
        for group in opt.param_groups:
            group["lr"] = common.lr_at(int(frac * 100000), 100000, args.lr, warm=int(100000 * args.warmup / args.steps))
        enc = model.encoder(imgs[idx])
        logits, _ = model.decoder(torch.from_numpy(ids[:, :-1]).to(dev), enc)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), torch.from_numpy(tgt).to(dev).reshape(-1),
                               ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        frac = (time.time() - start) / (60 * args.minutes) if args.minutes else step / args.steps
        if step % 50 == 0:
            log(f"step {step} loss {loss.item():.4f} {(time.time() - t0) / 50:.2f}s/step")
            elapsed += time.time() - t0
            t0 = time.time()
        if step % 200 == 0 or frac >= 1.0:
            common.save_ckpt(CKPT, model=common.cpu_state(model), opt=opt.state_dict(), step=step,
                             args={**vars(args), **init_info}, elapsed=elapsed + time.time() - t0, device=str(dev))
    return model.cpu(), tok


@torch.no_grad()
def greedy(model, px, eos):
    """Greedy decoding with the cache, the same way the exported graphs are driven."""
    enc = model.encoder(px)
    b = px.shape[0]
    tokens = torch.full((b, 1), eos, dtype=torch.long)
    out = torch.full((b, MAX_LEN), eos, dtype=torch.long)
    done = torch.zeros(b, dtype=torch.bool)
    past = None
    for step in range(MAX_LEN):
        logits, past = model.decoder(tokens, enc, past)
        nxt = logits[:, -1].argmax(-1)
        out[:, step] = torch.where(done, torch.full_like(nxt, eos), nxt)
        done |= nxt == eos
        tokens = nxt[:, None]
        if done.all():
            break
    return out


def decode(tok, ids, eos):
    ids = list(ids)
    if eos in ids:
        ids = ids[:ids.index(eos)]
    return tok.decode(ids)


def score(recs, preds):
    ok = np.array([p == r["caption"] for p, r in zip(preds, recs)])
    two = np.array([len(r["objects"]) == 2 for r in recs])
    return {"exact_match": float(ok.mean()), "exact_match_one_object": float(ok[~two].mean()),
            "exact_match_two_objects": float(ok[two].mean()), "images": len(recs),
            "one_object_images": int((~two).sum()), "two_object_images": int(two.sum())}


def evaluate_torch(model, tok):
    recs, arrs = common.dataset("heldout", common.HELDOUT_SEED, common.HELDOUT_COUNT)
    eos = tok.special_ids["<|endoftext|>"]
    model.eval()
    gen = torch.cat([greedy(model, pixels(arrs[KIND][i:i + 200]), eos) for i in range(0, len(recs), 200)])
    preds = [decode(tok, g.tolist(), eos) for g in gen]
    return score(recs, preds), preds


def export(model, tok, out=None):
    OUT = out or globals()["OUT"]  # noqa: N806 (the module's folder unless told otherwise)
    on = os.path.join(OUT, "onnx")
    os.makedirs(on, exist_ok=True)
    model.eval()
    eos = tok.special_ids["<|endoftext|>"]
    px = torch.zeros(2, 3, IMAGE, IMAGE)
    kw = dict(opset_version=17, do_constant_folding=True)
    torch.onnx.export(model.encoder, (px,), os.path.join(on, "encoder_model.onnx"),
                      input_names=["pixel_values"], output_names=["last_hidden_state"],
                      dynamic_axes={"pixel_values": {0: "batch_size"},
                                    "last_hidden_state": {0: "batch_size"}}, **kw)
    enc = model.encoder(px)
    ids = torch.tensor([[eos, 5, 6], [eos, 7, 8]])
    pres = [f"present.{i}.{kv}" for i in range(D_LAYERS) for kv in ("key", "value")]
    pasts = [f"past_key_values.{i}.{kv}" for i in range(D_LAYERS) for kv in ("key", "value")]
    dyn = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
           "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
           "logits": {0: "batch_size", 1: "decoder_sequence_length"}}
    dyn_np = dict(dyn, **{p: {0: "batch_size", 2: "decoder_sequence_length"} for p in pres})
    torch.onnx.export(DecoderNoPast(model.decoder), (ids, enc), os.path.join(on, "decoder_model.onnx"),
                      input_names=["input_ids", "encoder_hidden_states"], output_names=["logits", *pres],
                      dynamic_axes=dyn_np, **kw)
    _, past = model.decoder(ids, enc)
    dyn_wp = dict(dyn, **{p: {0: "batch_size", 2: "past_decoder_sequence_length"} for p in pasts},
                  **{p: {0: "batch_size", 2: "past_decoder_sequence_length + 1"} for p in pres})
    dyn_wp["input_ids"] = {0: "batch_size"}
    dyn_wp["logits"] = {0: "batch_size"}
    torch.onnx.export(DecoderWithPast(model.decoder), (ids[:, :1], enc, *past),
                      os.path.join(on, "decoder_with_past_model.onnx"),
                      input_names=["input_ids", "encoder_hidden_states", *pasts], output_names=["logits", *pres],
                      dynamic_axes=dyn_wp, **kw)
    # merged: the with-past graph exported with a dynamic query length serves both branches'
    # input signature; the no-past branch is the decoder_model graph
    dyn_m = dict(dyn, **{p: {0: "batch_size", 2: "past_sequence_length"} for p in pasts},
                 **{p: {0: "batch_size", 2: "past_sequence_length + sequence_length"} for p in pres})
    with tempfile.TemporaryDirectory() as scratch:  # its own file: exports may run side by side (from_onnx_captioner)
        tmp = os.path.join(scratch, "captioner-wp-dyn.onnx")
        torch.onnx.export(DecoderWithPast(model.decoder), (ids[:, :1], enc, *past), tmp,
                          input_names=["input_ids", "encoder_hidden_states", *pasts], output_names=["logits", *pres],
                          dynamic_axes=dyn_m, **kw)
        common.merge_decoders(os.path.join(on, "decoder_model.onnx"), tmp,
                              os.path.join(on, "decoder_model_merged.onnx"))
    # tokenizer and configs
    write_json(os.path.join(OUT, "tokenizer.json"), tok.to_json())
    write_json(os.path.join(OUT, "tokenizer_config.json"), {
        "add_bos_token": False, "add_prefix_space": False, "bos_token": "<|endoftext|>",
        "clean_up_tokenization_spaces": False, "eos_token": "<|endoftext|>", "errors": "replace",
        "model_max_length": N_POS, "pad_token": "<|endoftext|>", "tokenizer_class": "GPT2Tokenizer",
        "unk_token": "<|endoftext|>"})
    write_json(os.path.join(OUT, "special_tokens_map.json"), {
        "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>",
        "unk_token": "<|endoftext|>"})
    write_json(os.path.join(OUT, "preprocessor_config.json"), {
        "do_normalize": True, "do_rescale": True, "do_resize": True,
        "feature_extractor_type": "ViTFeatureExtractor", "image_processor_type": "ViTImageProcessor",
        "image_mean": common.HALF, "image_std": common.HALF, "resample": 2, "rescale_factor": 1 / 255,
        "size": {"height": IMAGE, "width": IMAGE}})
    vocab = len(tok.vocab)
    write_json(os.path.join(OUT, "config.json"), {
        "architectures": ["VisionEncoderDecoderModel"],
        "model_type": "vision-encoder-decoder",
        "is_encoder_decoder": True,
        "decoder_start_token_id": eos, "bos_token_id": eos, "eos_token_id": eos, "pad_token_id": eos,
        "tie_word_embeddings": False,
        "torch_dtype": "float32",
        "transformers_version": "4.46.0",
        "encoder": {"model_type": "vit", "architectures": ["ViTModel"], "hidden_size": E_DIM,
                    "num_hidden_layers": E_LAYERS, "num_attention_heads": E_HEADS, "intermediate_size": 4 * E_DIM,
                    "hidden_act": "gelu", "image_size": IMAGE, "patch_size": PATCH, "num_channels": 3,
                    "qkv_bias": True, "layer_norm_eps": 1e-5, **common.stem_config(model.encoder.vit)},
        "decoder": {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": vocab,
                    "n_positions": N_POS, "n_ctx": N_POS, "n_embd": D_DIM, "n_layer": D_LAYERS, "n_head": D_HEADS,
                    "n_inner": 4 * D_DIM, "activation_function": "gelu", "layer_norm_epsilon": 1e-5,
                    "add_cross_attention": True, "is_decoder": True, "bos_token_id": eos, "eos_token_id": eos,
                    "pad_token_id": eos, "decoder_start_token_id": eos, "tie_word_embeddings": True},
    })
    write_json(os.path.join(OUT, "generation_config.json"), {
        "bos_token_id": eos, "decoder_start_token_id": eos, "eos_token_id": eos, "pad_token_id": eos,
        "max_length": MAX_LEN, "transformers_version": "4.46.0"})


@torch.no_grad()
def onnx_eval(model, tok, folder=None):
    folder = folder or OUT
    recs, arrs = common.dataset("heldout", common.HELDOUT_SEED, common.HELDOUT_COUNT)
    eos = tok.special_ids["<|endoftext|>"]
    work = os.path.join(common.DATA, "tiny-captioner-onnx")
    px = pixels(arrs[KIND])
    common.save_tensors(work + "/in", {"pixel_values": px.numpy()})
    res, preds = {}, {}
    for variant in ("merged", "split"):
        common.node("caption", folder, variant, work + "/in", work + "/out_" + variant)
        o = common.load_tensors(work + "/out_" + variant)
        preds[variant] = [decode(tok, g.tolist(), eos) for g in o["generated"]]
        res[variant] = score(recs, preds[variant])
    # parity: encoder output and first-step / with-past logits on held-out inputs
    enc = model.encoder(px[:100])
    diffs = {"encoder_model.last_hidden_state": float(np.abs(o["last_hidden_state"][:100] - enc.numpy()).max())}
    ids = torch.tensor([[eos] + tok.encode(r["caption"])[:3] for r in recs[:100]])
    logits_np, present = model.decoder(ids[:, :3], enc)
    logits_wp, present_wp = model.decoder(ids[:, 3:4], enc, present)
    common.save_tensors(work + "/p_np", {"input_ids": ids[:, :3].numpy(), "encoder_hidden_states": enc.numpy()})
    pasts = {f"past_key_values.{i // 2}.{'key' if i % 2 == 0 else 'value'}": p.numpy() for i, p in enumerate(present)}
    common.save_tensors(work + "/p_wp", {"input_ids": ids[:, 3:4].numpy(), "encoder_hidden_states": enc.numpy(), **pasts})
    empty = {k: np.zeros((100, D_HEADS, 0, D_DIM // D_HEADS), np.float32) for k in pasts}
    common.save_tensors(work + "/p_m0", {"input_ids": ids[:, :3].numpy(), "encoder_hidden_states": enc.numpy(),
                                         "use_cache_branch": np.array([False]), **empty})
    common.save_tensors(work + "/p_m1", {"input_ids": ids[:, 3:4].numpy(), "encoder_hidden_states": enc.numpy(),
                                         "use_cache_branch": np.array([True]), **pasts})
    on = os.path.join(folder, "onnx")
    for name, d, ref_logits, ref_present in (("decoder_model", "p_np", logits_np, present),
                                              ("decoder_with_past_model", "p_wp", logits_wp, present_wp),
                                              ("decoder_model_merged", "p_m0", logits_np, present),
                                              ("decoder_model_merged", "p_m1", logits_wp, present_wp)):
        common.node("run", f"{on}/{name}.onnx", f"{work}/{d}", f"{work}/o_{d}")
        o = common.load_tensors(f"{work}/o_{d}")
        m = np.abs(o["logits"] - ref_logits.numpy()).max()
        for i, p in enumerate(ref_present):
            m = max(m, np.abs(o[f"present.{i // 2}.{'key' if i % 2 == 0 else 'value'}"] - p.numpy()).max())
        diffs[f"{name}[{d}]"] = float(m)
    return res, preds, diffs


def main():
    global CKPT, OUT
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=2500)
    ap.add_argument("--batch", type=int, default=96)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--minutes", type=float, default=0, help="train for this wall time instead of --steps")
    ap.add_argument("--export-only", action="store_true")
    ap.add_argument("--train-only", action="store_true")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--workers", type=int, default=2, help="processes generating the training set")
    ap.add_argument("--ckpt", default=CKPT)
    ap.add_argument("--init", default="", help="start from these weights (save_ckpt path), fresh optimizer")
    ap.add_argument("--stem", choices=("patch", "conv"), default="patch",
                    help="the encoder's patch embedding: one 8x8 projection, or common.ConvStem")
    ap.add_argument("--threads", type=int, default=1)
    common.add_fine_tune_args(ap, OUT)
    args = ap.parse_args()
    CKPT, OUT = args.ckpt, args.out
    torch.set_num_threads(args.threads)
    # Debian's torch 1.13 with oneDNN gives wrong convolution gradients when the gradient arriving at a conv's
    # output is not contiguous, which is the stem's case (flatten(2).transpose(1, 2)): measured on this AMD EPYC,
    # zero on one call and a different wrong value on the next. The native kernels are exact (tools/zoo/speech/train.py).
    torch.backends.mkldnn.enabled = False
    if args.export_only:
        weights, meta = common.load_ckpt(CKPT)
        common.trained_with(meta, args, "train_count")  # a fine-tune's default images hold the tokenizer's 5,000
        recs, _ = common.dataset("train", common.TRAIN_SEED, args.train_count)
        tok = build_tokenizer(recs)
        model = Captioner(len(tok.vocab), common.stem_of(weights))
        model.load_state_dict(weights)
    else:
        model, tok = train(args)
        if args.train_only:
            return
    st = common.load_ckpt(CKPT)[1]
    common.trained_with(st, args, "batch", "init", "train_count", "variety_count", "variety_seed", "lr", "warmup")
    elapsed, steps = st["elapsed"], st["step"]
    log(f"training time {elapsed / 60:.1f} min")
    res, preds = evaluate_torch(model, tok)
    log(res)
    export(model, tok)
    ores, opreds, diffs = onnx_eval(model, tok)
    log(ores, diffs)
    write_json(os.path.join(common.DATA, "tiny-captioner-preds.json"), {"pytorch": preds, "onnx": opreds["merged"]})
    train_info = {"seed": common.TRAIN_SEED, "count": common.TRAIN_COUNT, "torch_seed": SEED, "steps": steps,
                  "batch": args.batch, "seconds": round(elapsed), "device": st.get("device", "cpu")}
    # a fine-tune trains the encoder too: its ViT no longer equals the one tiny-clip and tiny-vlm froze
    train_info, fine_tune = common.fine_tune_record(train_info, args, st.get("args", {}), encoder_trained=True)
    write_json(os.path.join(OUT, "eval.json"), {
        "model": "tiny-captioner",
        "heldout": {"generator": "tools/zoo/shapes.py", "seed": common.HELDOUT_SEED, "count": common.HELDOUT_COUNT},
        "train": train_info,
        **({"fine_tune": fine_tune} if fine_tune else {}),
        "params": common.count_params(model),
        "preprocessing": "Pillow bilinear resize to 64x64 (aspect ratio not kept, no crop), rescale 1/255, mean/std 0.5",
        "decoding": f"greedy, start {tok.special_ids['<|endoftext|>']}, stop at eos, max_length {MAX_LEN}",
        "metrics": {k: {"pytorch": res[k], "onnx_merged": ores["merged"][k], "onnx_split": ores["split"][k]}
                    for k in res},
        "onnx_identical_captions": {v: float(np.mean([a == b for a, b in zip(preds, opreds[v])])) for v in opreds},
        "parity_max_abs_diff": diffs,
        "files": common.file_sizes(OUT),
        # PyTorch's greedy caption for every held-out image (regenerate the images with
        # tools/zoo/shapes.py --seed 1001 --count 1000)
        "predictions": [{"file": r["file"], "caption": p} for r, p in
                        zip(common.dataset("heldout", common.HELDOUT_SEED, common.HELDOUT_COUNT)[0], preds)],
    })
    log("wrote eval.json")


if __name__ == "__main__":
    main()

"""Shared pieces of the vision zoo: reference preprocessing, data caches, ViT blocks, ONNX helpers."""
import hashlib
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ZOO = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(ZOO))
DATA = os.path.join(ROOT, ".zoo-data")
sys.path.insert(0, ZOO)
import shapes  # noqa: E402

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
HALF = [0.5, 0.5, 0.5]

# the checkpoints the committed models/tiny-{captioner,clip,vlm} were exported from (local, not committed)
COMMITTED = os.path.join(DATA, "v4")

TRAIN_SEED, TRAIN_COUNT = 0, 30000
HELDOUT_SEED, HELDOUT_COUNT = 1001, 1000


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


# ---------------------------------------------------------------- preprocessing (the reference)
def clip_resize_crop(img, shortest_edge, crop):
    """CLIPImageProcessor: shortest edge -> `shortest_edge` (Pillow bicubic, antialiased), center crop."""
    img = img.convert("RGB")
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_long = int(shortest_edge * long / short)  # transformers' get_resize_output_image_size
    nw, nh = (shortest_edge, new_long) if w <= h else (new_long, shortest_edge)
    img = img.resize((nw, nh), Image.BICUBIC)
    top, left = (nh - crop) // 2, (nw - crop) // 2
    return np.asarray(img.crop((left, top, left + crop, top + crop)), dtype=np.uint8)


def squash_resize(img, size, resample):
    """ViTImageProcessor / SigLIP: resize to size x size ignoring the aspect ratio, no crop."""
    return np.asarray(img.convert("RGB").resize((size, size), resample), dtype=np.uint8)


def normalize(u8, mean, std):
    """uint8 [..., H, W, 3] -> float32 [..., 3, H, W]: x * (1/255), then (x - mean) / std."""
    x = u8.astype(np.float32) * np.float32(1 / 255)
    x = (x - np.asarray(mean, np.float32)) / np.asarray(std, np.float32)
    return np.ascontiguousarray(np.moveaxis(x, -1, -3))


KINDS = {"crop64": ("crop", 64), "bilinear64": ("squash", Image.BILINEAR), "bicubic64": ("squash", Image.BICUBIC)}


def _preprocess_all(img):
    out = {}
    for k, (mode, arg) in KINDS.items():
        out[k] = clip_resize_crop(img, 64, 64) if mode == "crop" else squash_resize(img, 64, arg)
    return out


def _chunk(args):
    import io
    seed, lo, hi, variety = args
    recs, arrs = [], {k: np.empty((hi - lo, 64, 64, 3), np.uint8) for k in KINDS}
    for j, i in enumerate(range(lo, hi)):
        img, fmt, ext, quality, rec = shapes.make_image(seed, i, variety=variety)
        if fmt == "JPEG":  # what a reader of the saved file sees; PNG is lossless
            buf = io.BytesIO()
            img.save(buf, fmt, quality=quality)
            img = Image.open(io.BytesIO(buf.getvalue()))
        for k, a in _preprocess_all(img).items():
            arrs[k][j] = a
        recs.append({"file": f"{i:06d}.{ext}", **rec})
    return recs, arrs


def dataset(name, seed, count, workers=2, variety=False):
    """(records, {kind: uint8 [N, 64, 64, 3]}) of the shapes world, generated in memory and cached
    in .zoo-data (the pixels are exactly those of the files shapes.py [--variety] would write)."""
    base = os.path.join(DATA, f"{name}-s{seed}-n{count}" + ("-variety" if variety else ""))
    if os.path.exists(base + ".jsonl"):
        with open(base + ".jsonl", encoding="utf-8") as f:
            recs = [json.loads(line) for line in f]
        return recs, {k: np.load(f"{base}-{k}.npy") for k in KINDS}
    log(f"building {name}: seed {seed} count {count}{' variety' if variety else ''}")
    os.makedirs(DATA, exist_ok=True)
    step = 500
    jobs = [(seed, lo, min(count, lo + step), variety) for lo in range(0, count, step)]
    if workers > 1:
        import multiprocessing as mp
        with mp.Pool(workers) as pool:
            parts = pool.map(_chunk, jobs)
    else:
        parts = [_chunk(j) for j in jobs]
    recs = [r for p in parts for r in p[0]]
    arrs = {k: np.concatenate([p[1][k] for p in parts]) for k in KINDS}
    for k, a in arrs.items():
        np.save(f"{base}-{k}.npy", a)
    with open(base + ".jsonl", "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r) + "\n")
    log(f"built {name}")
    return recs, arrs


def with_variety(recs, arrs, args, kind):
    """Appends args.variety_count images of `shapes.py --variety` (seed args.variety_seed) to a default training set
    (records, {kind: pixels}); a fine-tune's mix: the default images replayed against forgetting, the widened world
    after them."""
    if not args.variety_count:
        return recs, arrs
    vrecs, varrs = dataset("train", args.variety_seed, args.variety_count, args.workers, variety=True)
    log(f"{args.train_count} default + {args.variety_count} --variety images")
    return recs + vrecs, {kind: np.concatenate([arrs[kind], varrs[kind]])}


def add_fine_tune_args(ap, out):
    """The options with_variety, init_provenance and fine_tune_record read (every vision trainer takes them)."""
    ap.add_argument("--train-count", type=int, default=TRAIN_COUNT,
                    help="default images (seed 0; any count is a prefix of the 30,000; a tokenizer built from "
                         "captions reads the first 5,000)")
    ap.add_argument("--variety-count", type=int, default=0, help="images of shapes.py --variety added to them")
    ap.add_argument("--variety-seed", type=int, default=7)
    ap.add_argument("--warmup", type=int, default=300, help="warm-up steps (of --steps)")
    ap.add_argument("--out", default=out, help="the folder to export to")


def init_provenance(args):
    """What a fine-tune started from ({"init_from", "init_train"}: the folder its --init was recovered from and that
    run's eval.json "train" block), kept in the run's checkpoints so that --export-only needs no init file; {} without
    --init."""
    if not getattr(args, "init", None):
        return {}
    meta = load_ckpt(args.init)[1].get("args", {})
    return {"init_from": meta.get("recovered_from", args.init), "init_train": meta.get("train")}


def fine_tune_record(train_info, args, run_args, **extra):
    """eval.json's ("train", "fine_tune") blocks: without --init, (this run, None); with it, the run the weights were
    recovered from and this fine-tune (its schedule, its --variety mix, where it started, and `extra`). The start is
    read from the run's checkpoint (`run_args`), or from the init file for a run saved before it was kept there."""
    if not getattr(args, "init", None):
        return train_info, None
    origin = run_args if "init_from" in run_args else init_provenance(args)
    fine_tune = {**train_info, "count": args.train_count, "lr": args.lr, "warmup": args.warmup,
                 "variety": {"generator": "tools/zoo/shapes.py --variety", "seed": args.variety_seed,
                             "count": args.variety_count},
                 "init": origin["init_from"], **extra}
    return origin.get("init_train") or train_info, fine_tune


def heldout_files():
    """The held-out set as files (for the ONNX / transformers.js consumers)."""
    d = os.path.join(DATA, f"heldout-s{HELDOUT_SEED}")
    if not os.path.exists(os.path.join(d, "labels.jsonl")):
        shapes.main(["--seed", str(HELDOUT_SEED), "--count", str(HELDOUT_COUNT), "--out", d])
    return d


# ---------------------------------------------------------------- model pieces
class Attention(nn.Module):
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

    def forward(self, x, kv=None, mask=None):
        kv = x if kv is None else kv
        q = self.split(self.q(x) * (1.0 / math.sqrt(self.d)))
        k, v = self.split(self.k(kv)), self.split(self.v(kv))
        att = q @ k.transpose(-1, -2)
        if mask is not None:
            att = att + mask
        y = att.softmax(-1) @ v
        b, _, t, _ = y.shape
        return self.o(y.transpose(1, 2).reshape(b, t, self.h * self.d))


class Block(nn.Module):
    """Pre-LN transformer block (CLIP/ViT), optional cross-attention (Q-Former)."""

    def __init__(self, dim, heads, mlp=4, cross_dim=None):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.cross = None
        if cross_dim:
            self.lnx = nn.LayerNorm(dim)
            self.cross = Attention(dim, heads, cross_dim)
        self.ln2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, dim * mlp)
        self.fc2 = nn.Linear(dim * mlp, dim)

    def forward(self, x, mask=None, ctx=None):
        x = x + self.attn(self.ln1(x), mask=mask)
        if self.cross is not None:
            x = x + self.cross(self.lnx(x), kv=ctx)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class ConvStem(nn.Module):
    """Three 3x3 stride-2 convolutions (total stride 8) in place of the 8x8 patch projection: early
    convolutions make a small ViT learn local shape far faster (Xiao et al. 2021, "Early convolutions help
    transformers see better")."""

    def __init__(self, dim, widths=(24, 48)):
        super().__init__()
        a, b = widths
        self.c1 = nn.Conv2d(3, a, 3, 2, 1)
        self.c2 = nn.Conv2d(a, b, 3, 2, 1)
        self.c3 = nn.Conv2d(b, dim, 3, 2, 1)

    def forward(self, x):
        return self.c3(F.gelu(self.c2(F.gelu(self.c1(x)))))


class ViT(nn.Module):
    """CLIP-style vision tower: patch conv (no bias) or a convolutional stem, CLS, positions, pre-LN, blocks."""

    def __init__(self, image=64, patch=8, dim=96, layers=3, heads=4, stem="patch"):
        super().__init__()
        if stem == "conv":
            assert patch == 8, "the convolutional stem has a total stride of 8"
            self.stem = ConvStem(dim)
        else:
            self.patch = nn.Conv2d(3, dim, patch, patch, bias=False)
        n = (image // patch) ** 2
        self.cls = nn.Parameter(torch.randn(dim) * 0.02)
        self.pos = nn.Parameter(torch.randn(n + 1, dim) * 0.02)
        self.pre = nn.LayerNorm(dim)
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(layers)])

    def forward(self, pixel_values):
        x = (self.stem if hasattr(self, "stem") else self.patch)(pixel_values).flatten(2).transpose(1, 2)
        cls = self.cls.expand(x.shape[0], 1, -1)
        x = self.pre(torch.cat([cls, x], 1) + self.pos)
        for blk in self.blocks:
            x = blk(x)
        return x


class DeviceImages:
    """uint8 images kept on the training device, normalized per batch there (same formula as normalize)."""

    def __init__(self, u8, mean, std, device):
        self.x = torch.from_numpy(np.asarray(u8)).to(device)
        self.mean = torch.tensor(mean, device=device).view(1, 3, 1, 1)
        self.std = torch.tensor(std, device=device).view(1, 3, 1, 1)
        self.device = device

    def __getitem__(self, idx):
        x = self.x[torch.as_tensor(idx, device=self.device)].permute(0, 3, 1, 2).float() * (1 / 255)
        return (x - self.mean) / self.std


def stem_config(vit):
    """config.json fields describing a ViT's patch embedding when it is the convolutional stem (no Hugging Face
    field names one; ONNX consumers do not read them): nothing for the plain 8x8 patch projection."""
    if not hasattr(vit, "stem"):
        return {}
    s = vit.stem
    return {"patch_embedding": "conv_stem",
            "conv_stem_channels": [s.c1.out_channels, s.c2.out_channels, s.c3.out_channels],
            "conv_stem_kernel_size": 3, "conv_stem_stride": 2, "conv_stem_activation": "gelu"}


def stem_of(weights):
    """The stem ("patch" or "conv") of the (one) ViT in a model's weights, the dict load_ckpt returns."""
    return "conv" if any(".stem." in k for k in weights) else "patch"


def freeze_captioner_vit(vit, path, ln=None):
    """Loads the captioner checkpoint's encoder ViT (and its final LayerNorm into `ln`, trainable) and freezes the ViT:
    the zoo's one image encoder, shared by CLIP and the VLM."""
    w, meta = load_ckpt(path)
    vit.load_state_dict({k[len("encoder.vit."):]: v for k, v in w.items() if k.startswith("encoder.vit.")})
    if ln is not None:
        ln.load_state_dict({k[len("encoder.ln."):]: v for k, v in w.items() if k.startswith("encoder.ln.")})
    for p in vit.parameters():
        p.requires_grad_(False)
    log(f"frozen ViT from {path} ({meta})")


@torch.no_grad()
def frozen_tokens(vit, imgs, count, chunk=512):
    """The frozen ViT's tokens of every training image, computed once (fp16 halves the memory)."""
    out = torch.cat([vit(imgs[np.arange(lo, min(lo + chunk, count))]).half() for lo in range(0, count, chunk)])
    log(f"frozen ViT tokens {tuple(out.shape)}")
    return out


def cpu_state(model):
    return {k: v.detach().cpu() for k, v in model.state_dict().items()}


def count_params(m):
    return sum(p.numel() for p in m.parameters())


def save_ckpt(path, **state):
    torch.save(state, path + ".tmp")
    os.replace(path + ".tmp", path)
    # plain numpy copy of the weights + metadata: readable by any torch version (the device that
    # may train these runs a newer torch than Debian's 1.13)
    np.savez(path + ".npz.tmp.npz", **{k: v.numpy() for k, v in state["model"].items()})
    os.replace(path + ".npz.tmp.npz", path + ".npz")
    write_json(path + ".json", {k: v for k, v in state.items() if k in ("step", "elapsed", "device", "args")})


def check_recovered(n_worst, graphs):
    """The from_onnx*.py gate: the recovered weights, re-exported, must equal every committed initializer exactly."""
    n, worst = n_worst
    print(f"recovered; re-exported, {n} initializers of {', '.join(graphs)} against the committed files: "
          f"max |diff| {worst:.1e}")
    if worst > 0:
        raise SystemExit("the recovered weights do not reproduce the export")


def save_recovered(out, model, model_dir):
    """Writes recovered weights as a step-0 checkpoint (save_ckpt's format, what --init and --export-only read); its
    metadata keeps the committed eval.json's "train" block (and "fine_tune" when there is one): the runs the weights
    come from."""
    with open(os.path.join(model_dir, "eval.json"), encoding="utf-8") as f:
        ev = json.load(f)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    save_ckpt(out, model=cpu_state(model), step=0, elapsed=0.0, device="cpu",
              args={"recovered_from": os.path.relpath(os.path.abspath(model_dir), ROOT),
                    **{k: ev[k] for k in ("train", "fine_tune") if k in ev}})
    print(f"-> {out}")


def load_ckpt(path):
    """(model state, metadata {step, elapsed, device, args}), from the portable copy when there is one."""
    if not os.path.exists(path + ".npz"):
        st = torch.load(path, map_location="cpu")
        return st["model"], {k: st[k] for k in ("step", "elapsed", "device", "args") if k in st}
    with np.load(path + ".npz") as z:
        model = {k: torch.from_numpy(z[k].copy()) for k in z.files}
    with open(path + ".json") as f:
        return model, json.load(f)


def trained_with(meta, args, *names):
    """Sets `names` of the parsed args to the values the checkpoint was trained with (its metadata's "args"), so an
    --export-only run reports the run's batch sizes, not its own defaults."""
    for n in names:
        if n in meta.get("args", {}):
            setattr(args, n, meta["args"][n])


def lr_at(step, total, peak, warm=300):
    if step < warm:
        return peak * (step + 1) / warm
    return peak * 0.5 * (1 + math.cos(math.pi * min(1.0, (step - warm) / max(1, total - warm))))


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def file_sizes(folder):
    out = {}
    for base, _, files in os.walk(folder):
        for n in sorted(files):
            p = os.path.join(base, n)
            out[os.path.relpath(p, folder)] = os.path.getsize(p)
    return out


# ---------------------------------------------------------------- chat models (tiny-vlm, tiny-video-vlm)
# Both are LLaVA-style: a media encoder whose rows replace the <image> / <video> placeholders, then this LLaMA-style
# decoder (RMSNorm, RoPE from position_ids, SwiGLU), exported as embed_tokens.onnx + decoder_model_merged.onnx.
class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat([-x2, x1], -1)


class LlamaLayer(nn.Module):
    def __init__(self, hidden, heads, inter):
        super().__init__()
        self.hidden, self.heads, self.head_dim = hidden, heads, hidden // heads
        self.input_layernorm = RMSNorm(hidden)
        self.q_proj = nn.Linear(hidden, hidden, bias=False)
        self.k_proj = nn.Linear(hidden, hidden, bias=False)
        self.v_proj = nn.Linear(hidden, hidden, bias=False)
        self.o_proj = nn.Linear(hidden, hidden, bias=False)
        self.post_attention_layernorm = RMSNorm(hidden)
        self.gate_proj = nn.Linear(hidden, inter, bias=False)
        self.up_proj = nn.Linear(hidden, inter, bias=False)
        self.down_proj = nn.Linear(inter, hidden, bias=False)

    def forward(self, x, cos, sin, mask, pk, pv):
        b, t, _ = x.shape
        h = self.input_layernorm(x)
        q = self.q_proj(h).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(h).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(h).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if pk is not None:
            k = torch.cat([pk, k], 2)
            v = torch.cat([pv, v], 2)
        att = (q * (1.0 / math.sqrt(self.head_dim))) @ k.transpose(-1, -2) + mask
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, self.hidden)
        x = x + self.o_proj(y)
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h)), k, v


class LlamaDecoder(nn.Module):
    """inputs_embeds, attention_mask, position_ids, past (list of [b, heads, past, head_dim], key/value per layer)
    -> logits, present."""

    def __init__(self, vocab, hidden, layers, heads, inter, rope_theta=10000.0):
        super().__init__()
        self.layers = nn.ModuleList([LlamaLayer(hidden, heads, inter) for _ in range(layers)])
        self.norm = RMSNorm(hidden)
        self.lm_head = nn.Linear(hidden, vocab, bias=False)
        head_dim = hidden // heads
        inv = 1.0 / (rope_theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
        self.register_buffer("inv_freq", inv, persistent=False)

    def forward(self, inputs_embeds, attention_mask, position_ids, past=None, mask4d=None):
        """mask4d (packed training): an additive [b, 1, t, t] mask replacing the causal + padding one."""
        b, t, _ = inputs_embeds.shape
        past_len = past[0].shape[2] if past is not None else 0
        freqs = position_ids.to(torch.float32)[..., None] * self.inv_freq
        emb = torch.cat([freqs, freqs], -1)[:, None]
        cos, sin = emb.cos(), emb.sin()
        if mask4d is None:
            dev = inputs_embeds.device
            q_idx = torch.arange(t, device=dev) + past_len
            k_idx = torch.arange(t + past_len, device=dev)
            causal = (k_idx[None, :] > q_idx[:, None]).to(torch.float32) * -1e9
            pad = (1.0 - attention_mask.to(torch.float32))[:, None, None, :] * -1e9
            mask4d = causal[None, None] + pad
        x = inputs_embeds
        present = []
        for i, layer in enumerate(self.layers):
            pk, pv = (past[2 * i], past[2 * i + 1]) if past is not None else (None, None)
            x, k, v = layer(x, cos, sin, mask4d, pk, pv)
            present += [k, v]
        return self.lm_head(self.norm(x)), present


def merge_media(model, input_ids, feats, media_token):
    """The token embeddings with the placeholder rows replaced, in order, by the media features' rows."""
    emb = model.embed_tokens(input_ids)
    m = (input_ids == media_token)[..., None]
    return emb.masked_scatter(m, feats.to(emb.dtype))


class EmbedExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids):
        return self.m.embed_tokens(input_ids)


class DecoderExport(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.d = d

    def forward(self, inputs_embeds, attention_mask, position_ids, *past):
        logits, present = self.d(inputs_embeds, attention_mask, position_ids, list(past))
        return (logits, *present)


def past_names(layers, prefix="past_key_values"):
    return [f"{prefix}.{i}.{kv}" for i in range(layers) for kv in ("key", "value")]


def export_language_model(model, onnx_dir, layers, **kw):
    """embed_tokens.onnx and decoder_model_merged.onnx (Optimum's names; one graph for the first step with an empty
    past and for the cached steps, no use_cache_branch) of a model with .embed_tokens and .decoder."""
    ids = torch.tensor([[1, 2, 3], [4, 5, 6]])
    torch.onnx.export(EmbedExport(model), (ids,), os.path.join(onnx_dir, "embed_tokens.onnx"),
                      input_names=["input_ids"], output_names=["inputs_embeds"],
                      dynamic_axes={"input_ids": {0: "batch_size", 1: "sequence_length"},
                                    "inputs_embeds": {0: "batch_size", 1: "sequence_length"}}, **kw)
    emb = model.embed_tokens(ids)
    am = torch.ones(2, 3, dtype=torch.long)
    pos = torch.arange(3)[None].expand(2, -1)
    _, past = model.decoder(emb, am, pos)
    pasts, pres = past_names(layers), past_names(layers, "present")
    dyn = {"inputs_embeds": {0: "batch_size", 1: "sequence_length"},
           "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length"},
           "position_ids": {0: "batch_size", 1: "sequence_length"},
           "logits": {0: "batch_size", 1: "sequence_length"}}
    dyn.update({p: {0: "batch_size", 2: "past_sequence_length"} for p in pasts})
    dyn.update({p: {0: "batch_size", 2: "past_sequence_length + sequence_length"} for p in pres})
    am2 = torch.ones(2, 5, dtype=torch.long)
    torch.onnx.export(DecoderExport(model.decoder), (emb[:, :2], am2, pos[:, :2] + 3, *past),
                      os.path.join(onnx_dir, "decoder_model_merged.onnx"),
                      input_names=["inputs_embeds", "attention_mask", "position_ids", *pasts],
                      output_names=["logits", *pres], dynamic_axes=dyn, **kw)


def chatml_template(media):
    """ChatML; content items {"type": media} render <media>, {"type": "text"} their text."""
    return (
        "{% for message in messages %}"
        "{{ '<|im_start|>' + message['role'] + '\\n' }}"
        "{% if message['content'] is string %}{{ message['content'] }}"
        "{% else %}{% for item in message['content'] %}"
        f"{{% if item['type'] == '{media}' %}}{{{{ '<{media}>' }}}}"
        "{% elif item['type'] == 'text' %}{{ item['text'] }}{% endif %}"
        "{% endfor %}{% endif %}"
        "{{ '<|im_end|>\\n' }}"
        "{% endfor %}"
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
    )


def write_chat_tokenizer(tok, out, specials, media, max_len, processor_class=None):
    """tokenizer.json, tokenizer_config.json, special_tokens_map.json and chat_template.json of a ChatML model whose
    specials are <|endoftext|> (pad), <|im_start|>, <|im_end|> (eos) and the media placeholder <media>."""
    sp = tok.special_ids
    template = chatml_template(media)
    write_json(os.path.join(out, "tokenizer.json"), tok.to_json())
    added = {str(sp[s]): {"content": s, "lstrip": False, "normalized": False, "rstrip": False,
                          "single_word": False, "special": True} for s in specials}
    cfg = {"add_bos_token": False, "add_prefix_space": False, "added_tokens_decoder": added,
           "bos_token": None, "chat_template": template, "clean_up_tokenization_spaces": False,
           "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>", "unk_token": None, "errors": "replace",
           "model_max_length": max_len, "padding_side": "left", "split_special_tokens": False,
           "tokenizer_class": "GPT2Tokenizer"}
    if processor_class:
        cfg["processor_class"] = processor_class
    cfg["extra_special_tokens"] = {f"{media}_token": f"<{media}>"}
    write_json(os.path.join(out, "tokenizer_config.json"), cfg)
    write_json(os.path.join(out, "special_tokens_map.json"), {
        "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>", "additional_special_tokens": specials[1:]})
    write_json(os.path.join(out, "chat_template.json"), {"chat_template": template})


def llama_text_config(tok, vocab, hidden, inter, layers, heads, max_pos, rope_theta):
    sp = tok.special_ids
    return {
        "model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": vocab, "hidden_size": hidden,
        "intermediate_size": inter, "num_hidden_layers": layers, "num_attention_heads": heads,
        "num_key_value_heads": heads, "head_dim": hidden // heads, "max_position_embeddings": max_pos,
        "rms_norm_eps": 1e-6, "rope_theta": rope_theta, "hidden_act": "silu", "tie_word_embeddings": False,
        "bos_token_id": sp["<|im_start|>"], "eos_token_id": sp["<|im_end|>"], "pad_token_id": sp["<|endoftext|>"]}


def write_generation_config(tok, out, max_new):
    sp = tok.special_ids
    write_json(os.path.join(out, "generation_config.json"), {
        "bos_token_id": sp["<|im_start|>"], "eos_token_id": sp["<|im_end|>"], "pad_token_id": sp["<|endoftext|>"],
        "max_new_tokens": max_new, "do_sample": False, "transformers_version": "4.46.0"})


@torch.no_grad()
def greedy_tokens(model, prompts, feats, media_token, end_id, max_new, chunk=128):
    """Greedy continuations (token lists, up to and including end_id) of prompts (token id lists, placeholders
    expanded) whose placeholder rows are feats[k] (one row per prompt). Prompts are grouped by length: no padding."""
    groups = {}
    for k, p in enumerate(prompts):
        groups.setdefault(len(p), []).append(k)
    out = [None] * len(prompts)
    for L, ks in groups.items():
        for lo in range(0, len(ks), chunk):
            kk = ks[lo:lo + chunk]
            ids = torch.tensor([prompts[k] for k in kk])
            emb = merge_media(model, ids, feats[kk], media_token)
            b = len(kk)
            logits, past = model.decoder(emb, torch.ones(b, L, dtype=torch.long), torch.arange(L)[None].expand(b, -1))
            gen = [[] for _ in kk]
            done = torch.zeros(b, dtype=torch.bool)
            total = L
            for _ in range(max_new):
                nxt = logits[:, -1].argmax(-1)
                for r in range(b):
                    if not done[r]:
                        gen[r].append(int(nxt[r]))
                done |= nxt == end_id
                if done.all():
                    break
                logits, past = model.decoder(model.embed_tokens(nxt[:, None]), torch.ones(b, total + 1, dtype=torch.long),
                                             torch.full((b, 1), total, dtype=torch.long), past)
                total += 1
            for r, k in enumerate(kk):
                out[k] = gen[r]
    return out


def answers(tok, gens):
    """Token lists -> strings, cut at <|im_end|>."""
    end_id = tok.special_ids["<|im_end|>"]
    res = []
    for g in gens:
        g = list(g)
        if end_id in g:
            g = g[:g.index(end_id)]
        res.append(tok.decode(g))
    return res


def score(items, preds, qtype, digits=None):
    """Exact-match accuracy per question type of (index, question, answer) items."""
    per = {}
    for (i, q, a), p in zip(items, preds):
        per.setdefault(qtype(q), []).append(p == a)
    acc = (lambda v: float(np.mean(v))) if digits is None else (lambda v: round(float(np.mean(v)), digits))
    return {t: {"accuracy": acc(v), "questions": len(v)} for t, v in sorted(per.items())}


@torch.no_grad()
def language_model_parity(model, ids, emb, folder, work, layers, heads, head_dim):
    """Max abs differences, onnxruntime-node vs PyTorch, of decoder_model_merged.onnx (first step with an empty past,
    then one cached step) and embed_tokens.onnx on prompts ids [b, L] whose merged embeddings are emb."""
    b, L = ids.shape
    diffs = {}
    am, pos = torch.ones(b, L, dtype=torch.long), torch.arange(L)[None].expand(b, -1)
    lg0, past = model.decoder(emb, am, pos)
    nxt = model.embed_tokens(lg0[:, -1].argmax(-1)[:, None])
    lg1, pres1 = model.decoder(nxt, torch.ones(b, L + 1, dtype=torch.long), torch.full((b, 1), L), past)
    names = past_names(layers)
    empty = {n: np.zeros((b, heads, 0, head_dim), np.float32) for n in names}
    save_tensors(f"{work}/p0", {"inputs_embeds": emb.numpy(), "attention_mask": am.numpy(),
                                "position_ids": pos.numpy(), **empty})
    save_tensors(f"{work}/p1", {"inputs_embeds": nxt.numpy(), "attention_mask": np.ones((b, L + 1), np.int64),
                                "position_ids": np.full((b, 1), L, np.int64),
                                **{n: p.numpy() for n, p in zip(names, past)}})
    save_tensors(f"{work}/pe", {"input_ids": ids.numpy()})
    for d, ref, pres in (("p0", lg0, past), ("p1", lg1, pres1)):
        node("run", f"{folder}/onnx/decoder_model_merged.onnx", f"{work}/{d}", f"{work}/o_{d}")
        o = load_tensors(f"{work}/o_{d}")
        m = np.abs(o["logits"] - ref.numpy()).max()
        for n, p in zip(names, pres):
            m = max(m, np.abs(o[n.replace("past_key_values", "present")] - p.numpy()).max())
        diffs[f"decoder_model_merged[{'first step, empty past' if d == 'p0' else 'cached step'}]"] = float(m)
    node("run", f"{folder}/onnx/embed_tokens.onnx", f"{work}/pe", f"{work}/o_pe")
    diffs["embed_tokens.inputs_embeds"] = float(np.abs(load_tensors(f"{work}/o_pe")["inputs_embeds"]
                                                       - model.embed_tokens(ids).numpy()).max())
    return diffs


# ---------------------------------------------------------------- ONNX helpers
def merge_decoders(no_past_path, with_past_path, out_path, extra_inputs=()):
    """Optimum-style merged decoder: one graph, an If on `use_cache_branch` (bool[1]) whose else
    branch is the no-past decoder and then branch the with-past decoder. Weights identical in both
    are stored once in the outer graph; both branches yield the same outputs by position."""
    import onnx
    import onnx.numpy_helper
    from onnx import helper, TensorProto

    a = onnx.load(no_past_path)
    b = onnx.load(with_past_path)
    shared, seen = [], {}

    def branch(model, prefix):
        g = model.graph
        outer = {i.name for i in g.input}
        rename = {}
        inits = []
        for t in g.initializer:
            key = hashlib.sha1((str(t.data_type) + str(list(t.dims))).encode() + onnx.numpy_helper.to_array(t).tobytes()).hexdigest()
            if key not in seen:
                name = f"shared_{len(seen)}"
                seen[key] = name
                nt = onnx.TensorProto()
                nt.CopyFrom(t)
                nt.name = name
                shared.append(nt)
            rename[t.name] = seen[key]

        def rn(n):
            if n == "" or n in outer:
                return n
            if n in rename:
                return rename[n]
            return prefix + n

        nodes = []
        for nd in g.node:
            n2 = onnx.NodeProto()
            n2.CopyFrom(nd)
            n2.name = prefix + nd.name
            del n2.input[:]
            n2.input.extend(rn(x) for x in nd.input)
            del n2.output[:]
            n2.output.extend(rn(x) for x in nd.output)
            nodes.append(n2)
        outs = []
        for o in g.output:
            o2 = onnx.ValueInfoProto()
            o2.CopyFrom(o)
            o2.name = rn(o.name)
            outs.append(o2)
        sub = helper.make_graph(nodes, prefix + "graph", [], outs, [])
        return sub, g

    else_g, ga = branch(a, "np_")
    then_g, gb = branch(b, "wp_")
    names_a = [o.name for o in ga.output]
    names_b = [o.name for o in gb.output]
    assert names_a == names_b, (names_a, names_b)
    inputs = list(gb.input)
    have = {i.name for i in inputs}
    inputs += [i for i in ga.input if i.name not in have]
    inputs.append(helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1]))
    outputs = list(gb.output)
    # the condition is the bool[1] input itself (a one-element tensor is a valid If condition)
    node = helper.make_node("If", ["use_cache_branch"], names_b, name="optimum::if",
                            then_branch=then_g, else_branch=else_g)
    graph = helper.make_graph([node], "merged_decoder", inputs, outputs, shared)
    model = helper.make_model(graph, opset_imports=a.opset_import, producer_name="multimodal-sdk-zoo")
    model.ir_version = a.ir_version
    onnx.checker.check_model(model)
    onnx.save(model, out_path)


# ---------------------------------------------------------------- tensors shared with the Node side
NODE_DIR = os.path.join(ZOO, "node")
_DT = {"float32": np.float32, "int64": np.int64, "bool": np.uint8, "int32": np.int32}


def save_tensors(d, tensors):
    os.makedirs(d, exist_ok=True)
    manifest = {}
    for name, a in tensors.items():
        a = np.ascontiguousarray(a)
        dtype = "bool" if a.dtype == np.bool_ else str(a.dtype)
        f = name.replace("/", "_") + ".bin"
        a.astype(_DT[dtype]).tofile(os.path.join(d, f))
        manifest[name] = {"dtype": dtype, "dims": list(a.shape), "file": f}
    write_json(os.path.join(d, "manifest.json"), manifest)


def load_tensors(d):
    with open(os.path.join(d, "manifest.json")) as f:
        manifest = json.load(f)
    return {k: np.fromfile(os.path.join(d, v["file"]), _DT[v["dtype"]]).reshape(v["dims"]) for k, v in manifest.items()}


def node(*args):
    import subprocess
    cmd = ["node", os.path.join(NODE_DIR, "vision-ort.mjs"), *map(str, args)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stdout}\n{r.stderr}")
    return r.stdout

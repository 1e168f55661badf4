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
    seed, lo, hi = args
    recs, arrs = [], {k: np.empty((hi - lo, 64, 64, 3), np.uint8) for k in KINDS}
    for j, i in enumerate(range(lo, hi)):
        img, fmt, ext, quality, rec = shapes.make_image(seed, i)
        if fmt == "JPEG":  # what a reader of the saved file sees; PNG is lossless
            buf = io.BytesIO()
            img.save(buf, fmt, quality=quality)
            img = Image.open(io.BytesIO(buf.getvalue()))
        for k, a in _preprocess_all(img).items():
            arrs[k][j] = a
        recs.append({"file": f"{i:06d}.{ext}", **rec})
    return recs, arrs


def dataset(name, seed, count, workers=2):
    """(records, {kind: uint8 [N, 64, 64, 3]}) of the shapes world, generated in memory and cached
    in .zoo-data (the pixels are exactly those of the files shapes.py would write)."""
    base = os.path.join(DATA, f"{name}-s{seed}-n{count}")
    if os.path.exists(base + ".jsonl"):
        with open(base + ".jsonl", encoding="utf-8") as f:
            recs = [json.loads(line) for line in f]
        return recs, {k: np.load(f"{base}-{k}.npy") for k in KINDS}
    log(f"building {name}: seed {seed} count {count}")
    os.makedirs(DATA, exist_ok=True)
    step = 500
    jobs = [(seed, lo, min(count, lo + step)) for lo in range(0, count, step)]
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

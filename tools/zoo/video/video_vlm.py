"""tiny-video-vlm: the model (LLaVA-NeXT-Video layout on the zoo's shared, frozen shapes encoder), its preprocessing
and the pieces shared by training, export and evaluation.

Video path: 8 frames sampled uniformly (np.linspace(0, total - 1, 8).astype(int)), each resized to 64x64 (Pillow
bilinear, aspect ratio not kept), rescaled 1/255, mean = std = 0.5 -> the frozen ViT of
models/tiny-captioner/onnx/encoder_model.onnx (+ its final LayerNorm, frozen) -> 8x8 patch grid pooled with stride 2
to 4x4 per frame (LLaVA-NeXT-Video's spatial_pool_stride 2; spatial_pool_mode "conv", a learned 2x2 merge, or
"average"), frames kept in order -> 128 tokens -> learned frame/cell position embedding -> 2-layer GELU projector ->
optional bidirectional mixer blocks over the 128 video tokens (every frame's cell sees every other frame: an object's
token in frame 1 can know where the same object is in frame 8, which the causal language model cannot) ->
the LLaMA-style decoder tiny-vlm also uses (common.LlamaDecoder).
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ZOO = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(ZOO))
sys.path.insert(0, os.path.join(ZOO, "vision"))
import common  # noqa: E402  (tools/zoo/vision/common.py: ViT, checkpoints, ONNX/Node helpers)
from common import ViT  # noqa: E402

CAPTIONER_ENCODER = os.path.join(ROOT, "models", "tiny-captioner", "onnx", "encoder_model.onnx")
IMAGE, PATCH = 64, 8
V_DIM, V_LAYERS, V_HEADS = 64, 2, 4
GRID = IMAGE // PATCH                 # 8x8 ViT patch grid
POOL = 2                              # spatial_pool_stride
CELLS = (GRID // POOL) ** 2           # 16 tokens per frame
NUM_FRAMES = 8
VIDEO_TOKENS = NUM_FRAMES * CELLS     # 128 = video_seq_length
H, LAYERS, HEADS, INTER = 128, 3, 4, 256
HEAD_DIM = H // HEADS
N_POS = 256
ROPE_THETA = 10000.0
MEAN = STD = [0.5, 0.5, 0.5]


# ---------------------------------------------------------------- preprocessing (what the SDK does)
def sample_indices(total, num=NUM_FRAMES):
    """transformers' uniform sampling: np.linspace(0, total - 1, num).astype(int)."""
    return np.linspace(0, total - 1, num).astype(int)


def resize_frames(frames):
    """uint8 [n, h, w, 3] -> uint8 [n, 64, 64, 3], Pillow bilinear, aspect ratio not kept."""
    return np.stack([np.asarray(Image.fromarray(f).resize((IMAGE, IMAGE), Image.BILINEAR)) for f in frames])


def normalize(u8):
    """uint8 [..., 64, 64, 3] -> float32 [..., 3, 64, 64]: x / 255, (x - 0.5) / 0.5."""
    return common.normalize(u8, MEAN, STD)


# ---------------------------------------------------------------- the shared frozen encoder, from its ONNX graph
def load_frozen_encoder(path=CAPTIONER_ENCODER):
    """(ViT, LayerNorm) of the captioner's encoder with the ONNX graph's initializers; Linear weights are the
    transposed MatMul initializers, found through the bias Add that follows each MatMul."""
    import onnx
    inits, lin = _linear_weights(onnx.load(path))
    state = {k: v for k, v in inits.items() if not k.startswith("onnx::")}
    state.update(lin)
    vit = ViT(IMAGE, PATCH, V_DIM, V_LAYERS, V_HEADS, stem="conv")
    ln = nn.LayerNorm(V_DIM)
    vit.load_state_dict({k[4:]: torch.from_numpy(np.array(v)) for k, v in state.items() if k.startswith("vit.")})
    ln.load_state_dict({k[3:]: torch.from_numpy(np.array(v)) for k, v in state.items() if k.startswith("ln.")})
    for p in list(vit.parameters()) + list(ln.parameters()):
        p.requires_grad_(False)
    return vit.eval(), ln.eval()


class FrozenEncoder(nn.Module):
    """pixel_values [b*f, 3, 64, 64] -> the captioner encoder's last_hidden_state [b*f, 65, 64]."""

    def __init__(self, path=CAPTIONER_ENCODER):
        super().__init__()
        self.vit, self.ln = load_frozen_encoder(path)

    def forward(self, px):
        return self.ln(self.vit(px))


def pool_tokens(hidden):
    """last_hidden_state [n, 65, 64] -> [n, 16, 64]: drop CLS, 8x8 grid average-pooled with stride 2 (row-major)."""
    n = hidden.shape[0]
    grid = hidden[:, 1:].transpose(1, 2).reshape(n, V_DIM, GRID, GRID)
    return F.avg_pool2d(grid, POOL, POOL).flatten(2).transpose(1, 2)


# ---------------------------------------------------------------- the trained parts
class Connector(nn.Module):
    """Frame tokens -> video features [b, 128, H], frames in order (row = frame * 16 + cell).

    mode "average" (LLaVA-NeXT-Video's spatial_pool_mode "average"): input the 2x2-average-pooled tokens
    [b, 8, 16, 64]; mode "conv" (its spatial_pool_mode "conv": a learned 2x2 stride-2 convolution, here 64 -> 128
    channels, i.e. each 2x2 patch neighbourhood concatenated and projected, like Qwen2-VL's patch merger): input the
    full 8x8 grid [b, 8, 64, 64]. Then a learned frame + cell position embedding, LayerNorm and the Linear-GELU-Linear
    projector (LLaVA's mlp2x_gelu). Then `mix` pre-LN transformer blocks with full (bidirectional) attention over
    all the video's tokens; their output projections start at zero, so a model extended with them starts out
    computing exactly what it computed without them."""

    def __init__(self, mode="average", mix=0, motion=False):
        super().__init__()
        self.mode = mode
        width = V_DIM
        self.motion = None
        if mode == "conv":
            width = H
            self.pool = nn.Conv2d(V_DIM, width, POOL, POOL)
            if motion:
                # a space-time merge added to the 2x2 one: 3 frames x 4x4 patches around each cell, stride 2 in
                # space, every frame kept (Qwen2-VL merges 2 frames per token; here no frame is dropped). A cell's
                # token then carries how the content under it moves, next to what it looks like, so the question
                # path reads an object's motion where it reads its colour. Zero at the start: an extended model
                # starts as the old one.
                self.motion = nn.Conv3d(V_DIM, width, (3, 2 * POOL, 2 * POOL), (1, POOL, POOL), (1, 1, 1))
                nn.init.zeros_(self.motion.weight)
                nn.init.zeros_(self.motion.bias)
        self.frame_pos = nn.Parameter(torch.randn(NUM_FRAMES, 1, width) * 0.02)
        self.cell_pos = nn.Parameter(torch.randn(1, CELLS, width) * 0.02)
        self.ln = nn.LayerNorm(width)
        self.fc1 = nn.Linear(width, H)
        self.fc2 = nn.Linear(H, H)
        self.mix = nn.ModuleList([common.Block(H, HEADS, mlp=2) for _ in range(mix)])
        for block in self.mix:
            for lin in (block.attn.o, block.fc2):
                nn.init.zeros_(lin.weight)
                nn.init.zeros_(lin.bias)

    def forward(self, tokens):
        b, f = tokens.shape[:2]
        if self.mode == "conv":
            grid = tokens.reshape(b * f, GRID, GRID, V_DIM).permute(0, 3, 1, 2)
            pooled = self.pool(grid).flatten(2).transpose(1, 2).reshape(b, f, CELLS, -1)
            if self.motion is not None:
                tube = tokens.reshape(b, f, GRID, GRID, V_DIM).permute(0, 4, 1, 2, 3)   # [b, 64, f, 8, 8]
                pooled = pooled + self.motion(tube).flatten(3).permute(0, 2, 3, 1)        # [b, f, 16, H]
            tokens = pooled
        x = tokens + self.frame_pos[:f] + self.cell_pos
        x = self.ln(x).reshape(b, f * CELLS, -1)
        x = self.fc2(F.gelu(self.fc1(x)))
        for block in self.mix:
            x = block(x)
        return x


class TinyVideoVlm(nn.Module):
    def __init__(self, vocab, mode="average", mix=0, motion=False):
        super().__init__()
        self.connector = Connector(mode, mix, motion)
        self.embed_tokens = nn.Embedding(vocab, H)
        self.decoder = common.LlamaDecoder(vocab, H, LAYERS, HEADS, INTER, ROPE_THETA)  # as models/tiny-vlm's

    def merge(self, input_ids, feats, video_token):
        return common.merge_media(self, input_ids, feats, video_token)


class VisionExport(nn.Module):
    """vision_encoder.onnx: pixel_values_videos [b, f, 3, 64, 64] -> video_features [b, f * 16, H]."""

    def __init__(self, encoder, connector):
        super().__init__()
        self.encoder = encoder
        self.connector = connector

    def forward(self, pixel_values_videos):
        b, f = pixel_values_videos.shape[:2]
        hidden = self.encoder(pixel_values_videos.reshape(b * f, 3, IMAGE, IMAGE))
        if self.connector.mode == "conv":
            return self.connector(hidden[:, 1:].reshape(b, f, GRID * GRID, V_DIM))
        return self.connector(pool_tokens(hidden).reshape(b, f, CELLS, V_DIM))


# ---------------------------------------------------------------- weights back from an exported folder
def _linear_weights(model):
    """{bias name without ".bias" + ".weight": W} for every MatMul whose weight is an anonymous initializer and whose
    output feeds one Add with a named bias: torch.onnx stores nn.Linear(x) as MatMul(x, W.T) + b."""
    import onnx.numpy_helper as nh
    inits = {t.name: nh.to_array(t) for t in model.graph.initializer}
    consumers = {}
    for n in model.graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    out = {}
    for n in model.graph.node:
        if n.op_type != "MatMul" or n.input[1] not in inits or not n.input[1].startswith("onnx::"):
            continue
        add = [c for c in consumers.get(n.output[0], []) if c.op_type == "Add"]
        bias = [i for i in add[0].input if i in inits and i.endswith(".bias")] if len(add) == 1 else []
        if len(bias) == 1:
            out[bias[0][:-len(".bias")] + ".weight"] = inits[n.input[1]].T.copy()
    return inits, out


def weights_from_folder(folder, layers=LAYERS):
    """The trained weights of an exported tiny-video-vlm folder as a TinyVideoVlm state dict (connector, embeddings,
    decoder): named initializers as they are, nn.Linear weights found through their bias Add, and the decoder's
    bias-free projections in graph order (per layer q, k, v, o, gate, up, down; then lm_head). The checkpoints of a
    run are not committed; this lets a later run start from the committed model."""
    import onnx
    state = {}
    inits, lin = _linear_weights(onnx.load(os.path.join(folder, "onnx", "vision_encoder.onnx")))
    for k, v in list(inits.items()) + list(lin.items()):
        if k.startswith("connector."):
            state[k] = v
    inits, _ = _linear_weights(onnx.load(os.path.join(folder, "onnx", "embed_tokens.onnx")))
    state["embed_tokens.weight"] = inits["m.embed_tokens.weight"]
    dec = onnx.load(os.path.join(folder, "onnx", "decoder_model_merged.onnx"))
    inits, _ = _linear_weights(dec)
    for k, v in inits.items():
        if k.startswith("d."):
            state["decoder." + k[2:]] = v
    mats = [inits[n.input[1]] for n in dec.graph.node
            if n.op_type == "MatMul" and n.input[1] in inits and n.input[1].startswith("onnx::")]
    names = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
    assert len(mats) == layers * len(names) + 1, len(mats)
    for i in range(layers):
        for j, name in enumerate(names):
            state[f"decoder.layers.{i}.{name}.weight"] = mats[i * len(names) + j].T.copy()
    state["decoder.lm_head.weight"] = mats[-1].T.copy()
    return {k: torch.from_numpy(np.array(v)) for k, v in state.items()}

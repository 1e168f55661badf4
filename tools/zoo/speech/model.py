"""A tiny Whisper in PyTorch with the layout of Hugging Face's WhisperForConditionalGeneration
(pre-LN transformer, conv stem with stride 2, sinusoidal encoder positions, learned decoder
positions, logits tied to the token embedding), plus the cache interfaces the ONNX exports need."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def sinusoids(length, channels, max_timescale=10000):
    inc = math.log(max_timescale) / (channels // 2 - 1)
    inv = torch.exp(-inc * torch.arange(channels // 2))
    t = torch.arange(length)[:, None] * inv[None, :]
    return torch.cat([torch.sin(t), torch.cos(t)], dim=1)


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.h, self.hd = heads, d // heads
        self.scaling = self.hd ** -0.5
        self.q_proj = nn.Linear(d, d)
        self.k_proj = nn.Linear(d, d, bias=False)
        self.v_proj = nn.Linear(d, d)
        self.out_proj = nn.Linear(d, d)

    def split(self, x):  # [b, s, d] -> [b, h, s, hd]
        b, s, _ = x.shape
        return x.view(b, s, self.h, self.hd).transpose(1, 2)

    def kv(self, x):
        return self.split(self.k_proj(x)), self.split(self.v_proj(x))

    def attend(self, x, k, v, mask=None):
        b, s, d = x.shape
        q = self.split(self.q_proj(x) * self.scaling)
        w = torch.matmul(q, k.transpose(-1, -2))
        if mask is not None:
            w = w + mask
        o = torch.matmul(torch.softmax(w, dim=-1), v)
        return self.out_proj(o.transpose(1, 2).reshape(b, s, d))


class EncoderLayer(nn.Module):
    def __init__(self, d, heads, ffn):
        super().__init__()
        self.self_attn = Attention(d, heads)
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.fc1, self.fc2 = nn.Linear(d, ffn), nn.Linear(ffn, d)
        self.final_layer_norm = nn.LayerNorm(d)

    def forward(self, x):
        h = self.self_attn_layer_norm(x)
        k, v = self.self_attn.kv(h)
        x = x + self.self_attn.attend(h, k, v)
        return x + self.fc2(F.gelu(self.fc1(self.final_layer_norm(x))))


class DecoderLayer(nn.Module):
    def __init__(self, d, heads, ffn):
        super().__init__()
        self.self_attn = Attention(d, heads)
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.encoder_attn = Attention(d, heads)
        self.encoder_attn_layer_norm = nn.LayerNorm(d)
        self.fc1, self.fc2 = nn.Linear(d, ffn), nn.Linear(ffn, d)
        self.final_layer_norm = nn.LayerNorm(d)

    def forward(self, x, mask, past_k, past_v, cross_k, cross_v):
        """past_k/v: self-attention cache or None; returns x and the new self k/v (past + current)."""
        h = self.self_attn_layer_norm(x)
        k, v = self.self_attn.kv(h)
        if past_k is not None:
            k, v = torch.cat([past_k, k], dim=2), torch.cat([past_v, v], dim=2)
        x = x + self.self_attn.attend(h, k, v, mask)
        x = x + self.encoder_attn.attend(self.encoder_attn_layer_norm(x), cross_k, cross_v)
        x = x + self.fc2(F.gelu(self.fc1(self.final_layer_norm(x))))
        return x, k, v


class TinyWhisper(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        d, h, f = cfg["d_model"], cfg["encoder_attention_heads"], cfg["encoder_ffn_dim"]
        # encoder_stride 2 is Whisper's stem (k3 s1, k3 s2); 4 makes the first conv stride 2 as well
        self.conv1 = nn.Conv1d(cfg["num_mel_bins"], d, 3, stride=cfg.get("encoder_stride", 2) // 2, padding=1)
        self.conv2 = nn.Conv1d(d, d, 3, stride=2, padding=1)
        self.register_buffer("enc_positions", sinusoids(cfg["max_source_positions"], d))
        self.enc_layers = nn.ModuleList([EncoderLayer(d, h, f) for _ in range(cfg["encoder_layers"])])
        self.enc_ln = nn.LayerNorm(d)
        dh, df = cfg["decoder_attention_heads"], cfg["decoder_ffn_dim"]
        self.embed_tokens = nn.Embedding(cfg["vocab_size"], d)
        self.dec_positions = nn.Embedding(cfg["max_target_positions"], d)
        self.dec_layers = nn.ModuleList([DecoderLayer(d, dh, df) for _ in range(cfg["decoder_layers"])])
        self.dec_ln = nn.LayerNorm(d)
        nn.init.normal_(self.embed_tokens.weight, std=0.02)
        nn.init.normal_(self.dec_positions.weight, std=0.01)

    def encode(self, feats):  # [b, mels, frames] -> [b, frames/encoder_stride, d]
        x = F.gelu(self.conv1(feats))
        x = F.gelu(self.conv2(x)).transpose(1, 2)
        x = x + self.enc_positions[: x.shape[1]]
        for layer in self.enc_layers:
            x = layer(x)
        return self.enc_ln(x)

    def cross_kv(self, enc):
        return [l.encoder_attn.kv(enc) for l in self.dec_layers]

    def decode(self, ids, cross, past=None):
        """ids [b, s]; cross: per layer (k, v); past: per layer (k, v) or None.
        Returns logits [b, s, vocab] and per-layer new self (k, v) including the past."""
        past_len = 0 if past is None else past[0][0].shape[2]
        s = ids.shape[1]
        pos = torch.arange(s, device=ids.device) + past_len
        x = self.embed_tokens(ids) + self.dec_positions(pos)
        q_idx = torch.arange(s, device=ids.device)[:, None] + past_len
        k_idx = torch.arange(s + past_len, device=ids.device)[None, :]
        mask = (k_idx > q_idx).to(x.dtype) * -1e9
        new = []
        for i, layer in enumerate(self.dec_layers):
            pk, pv = (None, None) if past is None else past[i]
            x, k, v = layer(x, mask, pk, pv, cross[i][0], cross[i][1])
            new.append((k, v))
        x = self.dec_ln(x)
        return torch.matmul(x, self.embed_tokens.weight.t()), new

#!/usr/bin/python3
"""tiny-vlm: LLaVA-style vision chat model with a BLIP-2-style Q-Former connector, on the shapes world.

vision_encoder.onnx: pixel_values -> image_features [b, 16, hidden] (ViT + 16 learned queries
cross-attending to the ViT tokens + projection); embed_tokens.onnx: input_ids -> inputs_embeds;
decoder_model_merged.onnx: a LLaMA-style decoder (RMSNorm, RoPE from position_ids, SwiGLU) with
inputs_embeds, attention_mask, position_ids, past_key_values.{i}.key/value -> logits, present.*.

    tools/zoo/vision/with-openblas.sh nice -n 5 /usr/bin/python3 tools/zoo/vision/train_vlm.py

Fine-tune (finetune_vlm.sh): --init CKPT starts from a whole model (from_onnx_vlm.py recovers the committed one),
--train-vit trains its ViT too (this copy of the captioner's encoder lives only in tiny-vlm's vision_encoder.onnx; the
images then go through the ViT every step instead of its tokens being cached once), --variety-count N adds N images of
`shapes.py --variety` (seed --variety-seed) to the first --train-count default images, --out DIR exports elsewhere
than models/tiny-vlm (to compare before landing).
"""
import argparse
import math
import os
import time
from collections import defaultdict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import common
from common import Block, ViT, log
from tok import Gpt2Tokenizer, write_json

OUT = os.path.join(common.ROOT, "models", "tiny-vlm")
CKPT = os.path.join(common.DATA, "tiny-vlm.pt")
SEED = 777
IMAGE, PATCH = 64, 8
# The ViT is the bundled captioner's encoder (same size, same bilinear 64x64 input), frozen: BLIP-2's
# recipe (a pretrained image encoder, a trained Q-Former and LM). Trained from scratch the ViT never
# learned shapes in the time a run has (shape answers at chance after 2110 GPU steps).
V_DIM, V_LAYERS, V_HEADS = 64, 2, 4
ENCODER_INIT = os.path.join(common.COMMITTED, "tiny-captioner.pt")
N_QUERIES, Q_LAYERS = 16, 2
H, LAYERS, HEADS, INTER = 128, 3, 4, 256
HEAD_DIM = H // HEADS
N_POS = 128
ROPE_THETA = 10000.0
KIND = "bilinear64"  # as the captioner: 64x64 Pillow bilinear resize, no crop, mean/std 0.5
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<image>"]
MAX_NEW = 16

CHAT_TEMPLATE = common.chatml_template("image")


def render(question):
    """What CHAT_TEMPLATE renders for [{role: user, content: [image, text]}] + generation prompt."""
    return f"<|im_start|>user\n<image>{question}<|im_end|>\n<|im_start|>assistant\n"


def expand(prompt):
    return prompt.replace("<image>", "<image>" * N_QUERIES)


def qtype(q):
    for key, name in (("what color", "color"), ("what shape", "shape"), ("how many", "count"),
                      ("is there", "exists"), ("large or small", "size"), ("describe", "describe")):
        if q.startswith(key) or key in q:
            return name
    raise ValueError(q)


def corpus():
    sh, co = common.shapes.SHAPES, common.shapes.COLOUR_NAMES
    qs = [f"what color is the {s}?" for s in sh] + [f"what shape is the {c} object?" for c in co]
    qs += ["how many shapes are there?", "describe the image."] + [f"is the {s} large or small?" for s in sh]
    qs += [f"is there a {c} {s}?" for c in co for s in sh]
    ans = co + sh + ["one", "two", "yes", "no", "large", "small"]
    ans += [f"a {z} {c} {s}" for z in ("small", "large") for c in co for s in sh]
    ans += [f"a {c} {s} {r} a {c} {s}" for r in ("to the left of", "above") for c in co for s in sh]
    return [render(q) + a + "<|im_end|>" for q in qs for a in ans[:1]] + [a + "<|im_end|>" for a in ans] + \
        [render(q) for q in qs]


class VisionEncoder(nn.Module):
    def __init__(self, stem):
        super().__init__()
        self.vit = ViT(IMAGE, PATCH, V_DIM, V_LAYERS, V_HEADS, stem=stem)
        self.ln_vision = nn.LayerNorm(V_DIM)
        self.query_tokens = nn.Parameter(torch.randn(N_QUERIES, V_DIM) * 0.02)
        self.qformer = nn.ModuleList([Block(V_DIM, V_HEADS, cross_dim=V_DIM) for _ in range(Q_LAYERS)])
        self.ln_q = nn.LayerNorm(V_DIM)
        self.projection = nn.Linear(V_DIM, H)

    def forward(self, pixel_values):
        return self.connect(self.vit(pixel_values))

    def connect(self, vit_tokens):
        """The trained part: Q-Former queries over the (frozen) ViT's tokens, projected to the LM."""
        ctx = self.ln_vision(vit_tokens)
        q = self.query_tokens.expand(vit_tokens.shape[0], -1, -1)
        for blk in self.qformer:
            q = blk(q, ctx=ctx)
        return self.projection(self.ln_q(q))


class TinyVlm(nn.Module):
    def __init__(self, vocab, stem="patch"):
        super().__init__()
        self.vision = VisionEncoder(stem)
        self.embed_tokens = nn.Embedding(vocab, H)
        self.decoder = common.LlamaDecoder(vocab, H, LAYERS, HEADS, INTER, ROPE_THETA)

    def merge(self, input_ids, feats, image_token):
        return common.merge_media(self, input_ids, feats, image_token)


def build_tokenizer():
    return Gpt2Tokenizer(corpus(), SPECIALS)


def pixels(u8):
    return torch.from_numpy(common.normalize(np.asarray(u8), common.HALF, common.HALF))


def train(args):
    torch.manual_seed(SEED)
    recs, arrs = common.dataset("train", common.TRAIN_SEED, args.train_count, args.workers)
    recs, arrs = common.with_variety(recs, arrs, args, KIND)
    dev = torch.device(args.device)
    imgs = common.DeviceImages(arrs[KIND], common.HALF, common.HALF, dev)
    tok = build_tokenizer()
    ids_ = tok.special_ids
    img_id, end_id, pad_id = ids_["<image>"], ids_["<|im_end|>"], ids_["<|endoftext|>"]
    if args.init:
        # a whole model (e.g. from_onnx_vlm.py's recovery, or a time-boxed GPU run) with a fresh optimizer; its ViT is
        # the one the init holds, frozen unless --train-vit
        w, meta = common.load_ckpt(args.init)
        model = TinyVlm(len(tok.vocab), common.stem_of(w))
        model.load_state_dict(w)
        model = model.to(dev)
        for p in model.vision.vit.parameters():
            p.requires_grad_(args.train_vit)
        log(f"initialised from {args.init} ({meta.get('args', {}).get('recovered_from', meta.get('step'))}), "
            f"ViT {'trained' if args.train_vit else 'frozen'}")
    else:
        model = TinyVlm(len(tok.vocab), common.stem_of(common.load_ckpt(args.encoder_init)[0])).to(dev)
        common.freeze_captioner_vit(model.vision.vit, args.encoder_init, ln=model.vision.ln_vision)
        if args.train_vit:
            for p in model.vision.vit.parameters():
                p.requires_grad_(True)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.01)
    step, elapsed = 0, 0.0
    if os.path.exists(CKPT):
        st = torch.load(CKPT, map_location=dev)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        step, elapsed = st["step"], st["elapsed"]
        log(f"resumed at step {step}")
    # a frozen ViT's tokens are computed once; a trained one sees the images every step
    vit_tokens = None if args.train_vit else common.frozen_tokens(model.vision.vit, imgs, len(recs))
    cache = {}

    def enc(s):
        if s not in cache:
            cache[s] = tok.encode(s)
        return cache[s]

    init_info = common.init_provenance(args)  # kept in the checkpoints: --export-only needs no init file
    rng = np.random.default_rng(SEED)
    model.train()
    t0 = time.time()
    Q = args.questions
    start = time.time() - elapsed
    frac = 0.0
    while frac < 1.0:
        rng = np.random.default_rng([SEED, step])
        idx = rng.integers(0, len(recs), args.batch)
        seqs, starts = [], []
        for i in idx:
            qa = recs[i]["qa"]
            desc = [x for x in qa if x["question"] == "describe the image."]
            other = [x for x in qa if x["question"] != "describe the image."]
            for _ in range(Q):
                x = desc[0] if rng.random() < args.describe else other[rng.integers(len(other))]
                p = enc(expand(render(x["question"])))
                a = enc(x["answer"]) + [end_id]
                seqs.append(p + a)
                starts.append(len(p))
        L = max(map(len, seqs))
        ids = np.full((len(seqs), L), pad_id, np.int64)
        tgt = np.full((len(seqs), L), -100, np.int64)
        am = np.zeros((len(seqs), L), np.int64)
        for k, (s, st_) in enumerate(zip(seqs, starts)):
            ids[k, :len(s)] = s
            am[k, :len(s)] = 1
            tgt[k, st_ - 1:len(s) - 1] = s[st_:]
        ids, tgt, am = (torch.from_numpy(a).to(dev) for a in (ids, tgt, am))
        # with --minutes the schedule runs on wall time instead of steps (a time-boxed device run)
        frac = (time.time() - start) / (60 * args.minutes) if args.minutes else step / args.steps
        for group in opt.param_groups:
            group["lr"] = common.lr_at(int(frac * 100000), 100000, args.lr, warm=int(100000 * args.warmup / args.steps))
        if vit_tokens is None:
            feats = model.vision(imgs[idx])
        else:
            feats = model.vision.connect(vit_tokens[torch.as_tensor(idx, device=dev)].float())
        feats = feats.repeat_interleave(Q, 0)
        emb = model.merge(ids, feats, img_id)
        pos = torch.arange(L, device=dev)[None].expand(len(seqs), -1)
        logits, _ = model.decoder(emb, am, pos)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1), ignore_index=-100)
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


def heldout_questions(recs):
    """Every held-out question, grouped by prompt token length (equal lengths need no padding)."""
    items = []
    for i, r in enumerate(recs):
        for x in r["qa"]:
            items.append((i, x["question"], x["answer"]))
    return items


@torch.no_grad()
def greedy_torch(model, tok, px, items):
    feats = model.vision(px)[[i for i, _, _ in items]]
    prompts = [tok.encode(expand(render(q))) for _, q, _ in items]
    return common.greedy_tokens(model, prompts, feats, tok.special_ids["<image>"], tok.special_ids["<|im_end|>"],
                                MAX_NEW, chunk=256)


def answers(tok, gens):
    return common.answers(tok, gens)


def score(items, preds):
    return common.score(items, preds, qtype)


def evaluate_torch(model, tok):
    recs, arrs = common.dataset("heldout", common.HELDOUT_SEED, common.HELDOUT_COUNT)
    model.eval()
    items = heldout_questions(recs)
    gens = greedy_torch(model, tok, pixels(arrs[KIND]), items)
    preds = answers(tok, gens)
    return score(items, preds), preds, items


def export(model, tok, out=None):
    OUT = out or globals()["OUT"]  # noqa: N806 (the module's folder unless told otherwise)
    on = os.path.join(OUT, "onnx")
    os.makedirs(on, exist_ok=True)
    model.eval()
    kw = dict(opset_version=17, do_constant_folding=True)
    px = torch.zeros(2, 3, IMAGE, IMAGE)
    torch.onnx.export(model.vision, (px,), os.path.join(on, "vision_encoder.onnx"),
                      input_names=["pixel_values"], output_names=["image_features"],
                      dynamic_axes={"pixel_values": {0: "batch_size"}, "image_features": {0: "batch_size"}}, **kw)
    common.export_language_model(model, on, LAYERS, **kw)
    common.write_chat_tokenizer(tok, OUT, SPECIALS, "image", N_POS)
    write_json(os.path.join(OUT, "preprocessor_config.json"), {
        "do_convert_rgb": True, "do_normalize": True, "do_rescale": True, "do_resize": True,
        "image_mean": common.HALF, "image_std": common.HALF, "image_processor_type": "SiglipImageProcessor",
        "processor_class": "LlavaProcessor", "resample": 2, "rescale_factor": 1 / 255,
        "size": {"height": IMAGE, "width": IMAGE}})
    # LlavaProcessor expands <image> to (H // patch_size) * (W // patch_size) + num_additional_image_tokens
    # copies; with the Q-Former that must equal N_QUERIES, so patch_size here is the connector's
    # granularity (64 / 16 = 4 x 4 = 16 queries), not the ViT's patch (8).
    write_json(os.path.join(OUT, "processor_config.json"), {
        "image_token": "<image>", "num_additional_image_tokens": 0, "patch_size": IMAGE // int(math.sqrt(N_QUERIES)),
        "processor_class": "LlavaProcessor", "vision_feature_select_strategy": "full", "image_seq_length": N_QUERIES})
    sp = tok.special_ids
    vocab = len(tok.vocab)
    write_json(os.path.join(OUT, "config.json"), {
        "architectures": ["LlavaForConditionalGeneration"],
        "model_type": "llava",
        "image_token_index": sp["<image>"],
        "image_seq_length": N_QUERIES,
        "num_query_tokens": N_QUERIES,
        "projector_hidden_act": "gelu",
        "vision_feature_select_strategy": "full",
        "vision_feature_layer": -1,
        "ignore_index": -100,
        "pad_token_id": sp["<|endoftext|>"],
        "tie_word_embeddings": False,
        "torch_dtype": "float32",
        "transformers_version": "4.46.0",
        "text_config": common.llama_text_config(tok, vocab, H, INTER, LAYERS, HEADS, N_POS, ROPE_THETA),
        "vision_config": {
            "model_type": "clip_vision_model", "hidden_size": V_DIM, "intermediate_size": 4 * V_DIM,
            "num_hidden_layers": V_LAYERS, "num_attention_heads": V_HEADS, "image_size": IMAGE, "patch_size": PATCH,
            "num_channels": 3, "hidden_act": "gelu", "layer_norm_eps": 1e-5, **common.stem_config(model.vision.vit)},
        "qformer_config": {"model_type": "blip_2_qformer", "hidden_size": V_DIM, "num_hidden_layers": Q_LAYERS,
                           "num_attention_heads": V_HEADS, "intermediate_size": 4 * V_DIM,
                           "encoder_hidden_size": V_DIM, "num_query_tokens": N_QUERIES},
    })
    common.write_generation_config(tok, OUT, MAX_NEW)


@torch.no_grad()
def onnx_eval(model, tok, items, folder=None):
    folder = folder or OUT
    recs, arrs = common.dataset("heldout", common.HELDOUT_SEED, common.HELDOUT_COUNT)
    work = os.path.join(common.DATA, "tiny-vlm-onnx")
    px = pixels(arrs[KIND])
    groups = defaultdict(list)
    for k, (i, q, a) in enumerate(items):
        groups[len(tok.encode(expand(render(q))))].append(k)
    gens = [None] * len(items)
    for L, ks in sorted(groups.items()):
        ids = np.array([tok.encode(expand(render(items[k][1]))) for k in ks], np.int64)
        common.save_tensors(f"{work}/in_{L}", {"pixel_values": px.numpy(), "input_ids": ids,
                                               "image_index": np.array([items[k][0] for k in ks], np.int64)})
        common.node("vlm", folder, f"{work}/in_{L}", f"{work}/out_{L}")
        o = common.load_tensors(f"{work}/out_{L}")
        for r, k in enumerate(ks):
            gens[k] = [int(t) for t in o["generated"][r] if t >= 0]
    preds = answers(tok, gens)
    # parity on held-out inputs: vision encoder, embeddings, decoder first step and a cached step
    feats = model.vision(px)
    diffs = {"vision_encoder.image_features": float(np.abs(o["image_features"] - feats.numpy()).max())}
    ks = groups[sorted(groups)[0]][:64]
    ids = torch.tensor([tok.encode(expand(render(items[k][1]))) for k in ks])
    emb = model.merge(ids, feats[[items[k][0] for k in ks]], tok.special_ids["<image>"])
    diffs.update(common.language_model_parity(model, ids, emb, folder, work, LAYERS, HEADS, HEAD_DIM))
    return score(items, preds), preds, diffs


def main():
    global CKPT, OUT
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=48, help="images per step")
    ap.add_argument("--questions", type=int, default=4, help="questions per image per step")
    ap.add_argument("--describe", type=float, default=0.3, help="share of 'describe the image.'")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--minutes", type=float, default=0, help="train for this wall time instead of --steps")
    ap.add_argument("--export-only", action="store_true")
    ap.add_argument("--train-only", action="store_true")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--ckpt", default=CKPT)
    ap.add_argument("--init", default="", help="start from these weights (save_ckpt path), fresh optimizer")
    ap.add_argument("--encoder-init", default=ENCODER_INIT, help="captioner checkpoint whose encoder is the frozen ViT")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--train-vit", action="store_true",
                    help="train the ViT too (fine-tune: tiny-vlm's own copy of the captioner's encoder)")
    common.add_fine_tune_args(ap, OUT)
    args = ap.parse_args()
    CKPT, OUT = args.ckpt, args.out
    # Debian's torch 1.13 with oneDNN gives wrong conv gradients behind a transpose (models/README.md); a fine-tune
    # with --train-vit trains the conv stem, so every run stays on the native kernels.
    torch.backends.mkldnn.enabled = False
    torch.set_num_threads(args.threads)
    if args.export_only:
        tok = build_tokenizer()
        weights = common.load_ckpt(CKPT)[0]
        model = TinyVlm(len(tok.vocab), common.stem_of(weights))
        model.load_state_dict(weights)
    else:
        model, tok = train(args)
        if args.train_only:
            return
    st = common.load_ckpt(CKPT)[1]
    common.trained_with(st, args, "batch", "questions", "init", "train_vit", "train_count", "variety_count",
                        "variety_seed", "lr", "warmup")
    log(f"training time {st['elapsed'] / 60:.1f} min")
    res, preds, items = evaluate_torch(model, tok)
    log(res)
    export(model, tok)
    ores, opreds, diffs = onnx_eval(model, tok, items)
    log(ores, diffs)
    # where tools/zoo/node/vision.mjs vlm reads the PyTorch answers it compares transformers.js with
    write_json(os.path.join(common.DATA, "tiny-vlm-preds.json"),
               {"items": items, "pytorch": preds, "onnx": opreds})
    files = [r["file"] for r in common.dataset("heldout", common.HELDOUT_SEED, common.HELDOUT_COUNT)[0]]
    train_info = {"seed": common.TRAIN_SEED, "count": common.TRAIN_COUNT, "torch_seed": SEED, "steps": st["step"],
                  "images_per_step": args.batch, "questions_per_image": args.questions,
                  "seconds": round(st["elapsed"]), "device": st.get("device", "cpu")}
    train_info, fine_tune = common.fine_tune_record(train_info, args, st.get("args", {}),
                                                    vit_trained=bool(args.train_vit))
    vision = "ViT = the tiny-captioner's encoder (frozen); Q-Former, projection and LM trained"
    if fine_tune and args.train_vit:
        vision = ("ViT = the tiny-captioner's encoder (frozen in training), then fine-tuned with the rest "
                  "(eval.json fine_tune); Q-Former, projection and LM trained")
    write_json(os.path.join(OUT, "eval.json"), {
        "model": "tiny-vlm",
        "heldout": {"generator": "tools/zoo/shapes.py", "seed": common.HELDOUT_SEED, "count": common.HELDOUT_COUNT},
        "train": train_info,
        **({"fine_tune": fine_tune} if fine_tune else {}),
        "params": common.count_params(model),
        "preprocessing": "Pillow bilinear resize to 64x64 (aspect ratio not kept, no crop), rescale 1/255, mean/std 0.5",
        "vision_encoder": vision,
        "prompt": render("{question}") + "  (<image> expanded to %d copies)" % N_QUERIES,
        "decoding": f"greedy, stop at <|im_end|>, max_new_tokens {MAX_NEW}",
        "metrics": {t: {"pytorch": res[t]["accuracy"], "onnx": ores[t]["accuracy"], "questions": res[t]["questions"]}
                    for t in res},
        "onnx_identical_answers": float(np.mean([a == b for a, b in zip(preds, opreds)])),
        "parity_max_abs_diff": diffs,
        "files": common.file_sizes(OUT),
        # PyTorch's greedy answer to every question about the first 200 held-out images
        "predictions": [{"file": files[i], "question": q, "answer": p} for (i, q, a), p in zip(items, preds)
                        if i < 200],
    })
    log("wrote eval.json")


if __name__ == "__main__":
    main()

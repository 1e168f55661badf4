"""Trains tiny-whisper on the speech world (clean utterance pool from pool.py; silence, noise,
long-form windows, no-speech clips, tasks and timestamps composed on the fly with a fixed seed).

  nice -n 5 /usr/bin/python3 tools/zoo/speech/train.py --pool .zoo-data/speech/pool.npz \
      --out .zoo-data/speech/run --steps N

Resumable: rerun the same command; it continues from OUT/ckpt.pt (model, optimizer, data RNG).
The 2-core CPU recipe (stride-4 front end, wall-time schedule) is tools/zoo/speech/train_cpu.sh; fine-tuning the
committed model (--init, weights recovered by from_onnx.py) is tools/zoo/speech/finetune_cpu.sh.
"""
import argparse
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import features  # noqa: E402
import tok as tokmod  # noqa: E402
import world  # noqa: E402
from model import TinyWhisper  # noqa: E402

CHUNK = 10.0
N_SAMPLES = int(CHUNK * world.SR)


def model_config(tk, d=128, enc_layers=2, dec_layers=2, heads=4, stride=2):
    # max_source_positions keeps Whisper's meaning (frames / 2: the 0.02 s timestamp step and the
    # seek window that consumers derive from it) whatever the encoder's own stride
    return {"d_model": d, "encoder_layers": enc_layers, "decoder_layers": dec_layers,
            "encoder_attention_heads": heads, "decoder_attention_heads": heads,
            "encoder_ffn_dim": 4 * d, "decoder_ffn_dim": 4 * d, "num_mel_bins": 80,
            "max_source_positions": N_SAMPLES // 160 // 2, "max_target_positions": 128,
            "vocab_size": tk.vocab_size, "encoder_stride": stride}


class Data:
    def __init__(self, pool_path, tk, seed, rare_floor=0):
        z = np.load(pool_path)
        self.audio, self.offsets, self.lengths, self.bounds = z["audio"], z["offsets"], z["lengths"], z["bounds"]
        self.meta = [json.loads(m) for m in z["meta"]]
        self.by_lang = {l: [i for i, m in enumerate(self.meta) if m["language"] == l] for l in ("en", "es")}
        self.cum = {l: self.rare_weights(ids, rare_floor) for l, ids in self.by_lang.items()}
        self.tk = tk
        self.rng = np.random.default_rng(seed)

    def rare_weights(self, ids, floor):
        """Cumulative sampling weights over one language's utterances, or None (uniform). With a floor, an utterance
        whose rarest word is in fewer than `floor` utterances of the pool is drawn floor / count times as often
        (at most 5x): `sixty` is only the timer's last value, 12 of 5,657 English utterances, and was heard as
        `six`; every other word is in 44 or more."""
        if not floor:
            return None
        count = {}
        for i in ids:
            for w in set(self.meta[i]["text"].split()):
                count[w] = count.get(w, 0) + 1
        w = [min(5.0, max(1.0, floor / min(count[x] for x in set(self.meta[i]["text"].split())))) for i in ids]
        return np.cumsum(w)

    def utt(self, i):
        o = self.offsets[i]
        return self.audio[o:o + self.lengths[i]].astype(np.float32) / 32768.0

    def pick(self, lang):
        ids, cum = self.by_lang[lang], self.cum[lang]
        if cum is None:
            return ids[self.rng.integers(len(ids))]
        return ids[min(int(np.searchsorted(cum, self.rng.random() * cum[-1], side="right")), len(ids) - 1)]

    def text(self, s):
        return self.tk.encode(" " + s)

    def seq(self, lang, task, timestamps, body, prev=None):
        """Returns (tokens, loss mask over next-token targets)."""
        tk = self.tk
        pre = [] if not prev else [tk.sot_prev] + prev[-30:]
        head = [tk.sot, getattr(tk, lang), tk.translate if task == "translate" else tk.transcribe]
        if not timestamps:
            head.append(tk.no_timestamps)
        toks = pre + head + body + [tk.eot]
        # targets are toks[1:]; learn the language token and everything after the forced prompt
        mask = [0] * (len(toks) - 1)
        mask[len(pre)] = 1  # predicts the language token from <|startoftranscript|>
        for j in range(len(pre) + len(head) - 1, len(toks) - 1):
            mask[j] = 1
        return toks, mask

    def short(self):
        r = self.rng
        lang = "en" if r.random() < 0.62 else "es"
        while True:
            i = self.pick(lang)
            x, s, e, _, _ = world.compose_short(r, self.utt(i))
            if e <= CHUNK - 0.05:
                break
        m = self.meta[i]
        task = "translate" if lang == "es" and r.random() < 0.5 else "transcribe"
        words = self.text(m["translation"] if task == "translate" else m["text"])
        ts = r.random() < 0.35
        body = [self.tk.timestamp(s)] + words + [self.tk.timestamp(e)] if ts else words
        prev = self.text(self.meta[self.pick(lang)]["text"]) if r.random() < 0.1 else None
        toks, mask = self.seq(lang, task, ts, body, prev)
        return x[:N_SAMPLES], toks, mask, self.text(m["text"])

    def long_window(self):
        r, tk = self.rng, self.tk
        lang = "en" if r.random() < 0.7 else "es"
        ids = [self.pick(lang) for _ in range(int(r.integers(3, 7)))]
        speech_gaps = self.speech_gaps > 0 and r.random() < self.speech_gaps
        x, bounds, _, _ = world.compose_long(r, [self.utt(i) for i in ids], speech_gaps)
        u = r.random()
        if u < 0.25:
            ws = 0.0
        else:
            k = int(r.integers(len(bounds) - 1))
            # 35%: just after utterance k ends, as a seek to its end timestamp places the next window; an end
            # predicted up to seek_tail early leaves that much of utterance k at the window start (prev text)
            lo = bounds[k][1] - self.seek_tail
            ws = lo + (r.uniform(0, self.seek_tail + 0.08) if u < 0.6
                       else r.uniform(0, max(bounds[k + 1][0] - 0.05 - lo, 0.0)))
        a = int(round(ws * world.SR))
        win = x[a:a + N_SAMPLES]
        task = "translate" if lang == "es" and r.random() < 0.3 else "transcribe"
        body, prev = [], []
        for i, (s, e) in zip(ids, bounds):
            m = self.meta[i]
            txt = m["translation"] if task == "translate" else m["text"]
            rs, re_ = s - ws, e - ws
            if rs < 0:
                prev += self.text(txt)
                continue
            if rs >= CHUNK - 0.01:
                break
            if re_ > CHUNK:
                body.append(tk.timestamp(rs))  # cut at the window border: a lone start timestamp
                break
            body += [tk.timestamp(rs)] + self.text(txt) + [tk.timestamp(re_)]
        toks, mask = self.seq(lang, task, True, body, prev if (prev and r.random() < 0.3) else None)
        return win, toks, mask, None

    def no_speech(self):
        r, tk = self.rng, self.tk
        x, _ = world.no_speech_clip(r)
        u = r.random()
        if u < 0.5:
            toks, mask = [tk.sot, tk.no_speech, tk.eot], [1, 1]
        else:
            toks, mask = self.seq("en" if r.random() < 0.6 else "es", "transcribe", u < 0.75, [])
        return x[:N_SAMPLES], toks, mask, []

    mix = (0.64, 0.26, 0.10)  # shares of short clips, long-form windows and no-speech clips
    seek_tail = 0.04  # seconds of the previous utterance a long-form window may start with
    speech_gaps = 0.0  # share of long-form windows whose pauses are measured speech to speech

    def example(self):
        u = self.rng.random()
        short, long = self.mix[0], self.mix[0] + self.mix[1]
        return self.short() if u < short else self.long_window() if u < long else self.no_speech()

    def batch(self, n):
        exs = [self.example() for _ in range(n)]
        audio = np.zeros((n, N_SAMPLES), dtype=np.float32)
        L = max(len(e[1]) for e in exs)
        toks = np.full((n, L), self.tk.eot, dtype=np.int64)
        mask = np.zeros((n, L - 1), dtype=np.float32)
        for j, (x, t, m, _) in enumerate(exs):
            audio[j, :len(x)] = x
            toks[j, :len(t)] = t
            mask[j, :len(m)] = m
        ctc = [e[3] for e in exs]
        return torch.from_numpy(audio), torch.from_numpy(toks), torch.from_numpy(mask), ctc


class Stream(torch.utils.data.IterableDataset):
    """Endless batches; each DataLoader worker draws from its own RNG seeded by (seed, worker, start step)."""

    def __init__(self, data, seed, start, batch, filters=None):
        self.data, self.seed, self.start, self.batch, self.filters = data, seed, start, batch, filters

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        wid = 0 if info is None else info.id
        self.data.rng = np.random.default_rng([self.seed, wid, self.start])
        while True:
            audio, toks, mask, ctc = self.data.batch(self.batch)
            if self.filters is not None:  # log-mel in the worker, overlapping the training step
                with torch.no_grad():
                    audio = features.torch_log_mel(audio, self.filters)
            yield audio, toks, mask, ctc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pool", required=True, help="utterance pool (built by pool.py if missing)")
    ap.add_argument("--pool-seed", type=int, default=1000)
    ap.add_argument("--pool-count", type=int, default=12000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--save-dir", default=None, help="also copy checkpoints and the log here")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--workers", type=int, default=0, help="DataLoader workers composing batches")
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--minutes", type=float, default=0,
                    help="schedule by training time instead of --steps: cosine over this many minutes, then stop")
    ap.add_argument("--max-minutes", type=float, default=0, help="stop early (after a checkpoint) past this")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--d-model", type=int, default=128)
    ap.add_argument("--enc-layers", type=int, default=4)
    ap.add_argument("--dec-layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--stride", type=int, default=2, choices=(2, 4), help="encoder front-end stride (frames per position)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--mix", default="0.64,0.26,0.10",
                    help="shares of short clips, long-form windows and no-speech clips in a batch")
    ap.add_argument("--ts-weight", type=float, default=1.0,
                    help="loss weight of timestamp targets relative to text targets (long-form timing)")
    ap.add_argument("--ts-grid", type=int, default=1,
                    help="round timestamp targets to multiples of this many 0.02 s tokens (2 matches a stride-4 "
                         "encoder's 40 ms positions, so the model does not split its probability between neighbours)")
    ap.add_argument("--ema", type=float, default=0.0,
                    help="keep an exponential moving average of the weights with this decay (0: off) and export it")
    ap.add_argument("--seek-tail", type=float, default=0.04,
                    help="long-form windows that start where a seek lands begin up to this many seconds before the "
                         "previous utterance's end (teaches the model to skip a tail left by an early end timestamp)")
    ap.add_argument("--snapshots-from", type=float, default=0.0,
                    help="from this fraction of the schedule on, keep each checkpoint's weights as OUT/snapNNNNN.pt "
                         "(for averaging afterwards with average.py; 0: off)")
    ap.add_argument("--speech-gaps", type=float, default=0.0,
                    help="share of long-form windows composed with pauses measured from one utterance's speech to the "
                         "next (world.compose_long speech_gaps: down to 0.3 s of silence) instead of after espeak-ng's "
                         "own trailing silence")
    ap.add_argument("--rare-floor", type=int, default=0,
                    help="draw utterances whose rarest word is in fewer than this many pool utterances more often "
                         "(floor / count, at most 5x; 0: uniform)")
    ap.add_argument("--init", default=None,
                    help="start from these weights (a model.pt, e.g. from from_onnx.py) instead of random ones; "
                         "ignored when OUT/ckpt.pt exists (resume)")
    ap.add_argument("--ctc-weight", type=float, default=0.3,
                    help="weight of the encoder CTC loss (its head is not exported, so --init starts it from random: "
                         "use 0 there, or its first gradients swamp the clipped update)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--ckpt-every", type=int, default=500)
    ap.add_argument("--bench", type=int, default=0, help="time N steps and exit")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    # Debian's torch 1.13 with oneDNN gives wrong convolution weight gradients for this stem (conv2 -> transpose(1, 2)):
    # measured on this AMD EPYC, different on every call for the same input, up to 1e19 or inf, and the encoder never
    # learns. Making the gradient contiguous before the conv does not fix it (measured); the native kernels are exact.
    torch.backends.mkldnn.enabled = False
    torch.manual_seed(a.seed)
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    dev = torch.device(a.device)
    os.makedirs(a.out, exist_ok=True)
    saves = [a.out] + ([a.save_dir] if a.save_dir else [])
    t_start = time.time()
    if not os.path.exists(a.pool):
        import pool
        pool.build(a.pool_seed, a.pool_count, a.pool, max(1, a.workers))
        print(f"pool built in {time.time() - t_start:.0f} s", flush=True)
    tk = tokmod.build(CHUNK)
    tokmod.save(tk, os.path.join(a.out, "tokenizer.json"))
    tk.ts_grid = a.ts_grid
    cfg = model_config(tk, a.d_model, a.enc_layers, a.dec_layers, a.heads, a.stride)
    model = TinyWhisper(cfg).to(dev)
    ctc_head = torch.nn.Linear(cfg["d_model"], len(tk.vocab) + 1).to(dev)  # training-only aid; blank = last
    params = list(model.parameters()) + list(ctc_head.parameters())
    opt = torch.optim.AdamW(params, lr=a.lr, weight_decay=0.01, betas=(0.9, 0.98))
    filters = torch.from_numpy(features.mel_filters()).to(dev)
    step, elapsed = 0, 0.0
    ck = os.path.join(a.out, "ckpt.pt")
    st = {}
    if os.path.exists(ck) and not a.bench:
        st = torch.load(ck, map_location=dev)
        model.load_state_dict(st["model"])
        ctc_head.load_state_dict(st["ctc"])
        opt.load_state_dict(st["opt"])
        step, elapsed = st["step"], st["elapsed"]
        print(f"resumed at step {step}", flush=True)
    elif a.init and not a.bench:
        init = torch.load(a.init, map_location=dev)
        if init["cfg"] != cfg:
            sys.exit(f"--init {a.init}: its model configuration {init['cfg']} differs from this run's {cfg}")
        model.load_state_dict(init["model"])
        print(f"initialised from {a.init}", flush=True)
    # Polyak averaging: model.pt holds the average (what export and eval read), ckpt.pt both, to resume
    ema = None
    if a.ema:
        ema = {k: v.to(dev) for k, v in st.get("ema", model.state_dict()).items()}
        ema = {k: v.detach().clone() for k, v in ema.items()}
    data = Data(a.pool, tk, a.seed, a.rare_floor)
    data.mix = tuple(float(v) for v in a.mix.split(","))
    data.seek_tail = a.seek_tail
    data.speech_gaps = a.speech_gaps
    if len(data.mix) != 3 or abs(sum(data.mix) - 1) > 1e-6:
        sys.exit(f"--mix needs three shares that sum to 1, got {a.mix}")
    extra = {"prefetch_factor": 4} if a.workers else {}
    # with workers, they compose batches and compute the log-mel on the CPU; without, the log-mel runs on --device
    mel_in_worker = a.workers > 0
    loader = iter(torch.utils.data.DataLoader(Stream(data, a.seed, step, a.batch, filters.cpu() if mel_in_worker else None),
                                              batch_size=None,
                                              num_workers=a.workers, **extra))
    n_params = sum(p.numel() for p in model.parameters())
    print(f"params {n_params} cfg {cfg}", flush=True)
    log = open(os.path.join(a.out, "train.log"), "a")
    skipped = 0
    t0 = time.time()

    def save(final=False):
        el = elapsed + time.time() - t0
        st = {"model": model.state_dict(), "ctc": ctc_head.state_dict(), "opt": opt.state_dict(), "step": step,
              "elapsed": el, "cfg": cfg, "args": vars(a)}
        if ema is not None:
            st["ema"] = ema
        torch.save(st, ck + ".tmp")
        os.replace(ck + ".tmp", ck)
        def weights(w):  # the weights alone (small enough to fetch from a remote run)
            return {"model": w, "cfg": cfg, "steps": step, "elapsed": el, "args": vars(a), "final": final}
        for d in saves:
            torch.save(weights(ema if ema is not None else model.state_dict()), os.path.join(d, "model.pt"))
        if a.snapshots_from and progress() >= a.snapshots_from:
            torch.save(weights(model.state_dict()), os.path.join(a.out, f"snap{step:05d}.pt"))

    def progress():  # 0..1 through the schedule: by steps, or by training seconds with --minutes
        if a.minutes:
            return min(1.0, (elapsed + time.time() - t0) / (a.minutes * 60))
        return step / a.steps

    while progress() < 1.0:
        lr = a.lr * min(1.0, (step + 1) / a.warmup) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress())))
        for g in opt.param_groups:
            g["lr"] = lr
        audio, toks, mask, ctc = next(loader)
        audio, toks, mask = audio.to(dev), toks.to(dev), mask.to(dev)
        if mel_in_worker:
            feats = audio
        else:
            with torch.no_grad():
                feats = features.torch_log_mel(audio, filters)
        enc = model.encode(feats)
        logits, _ = model.decode(toks[:, :-1], model.cross_kv(enc))
        ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), toks[:, 1:].reshape(-1), reduction="none")
        m = mask.reshape(-1)  # the loss weights timestamp targets by --ts-weight; `ce` stays the plain mean, for the log
        w = m * torch.where(toks[:, 1:].reshape(-1) >= tk.timestamp_begin, a.ts_weight, 1.0)
        ce_train = (ce * w).sum() / w.sum()
        ce = (ce * m).sum() / m.sum()
        sel = [j for j, c in enumerate(ctc) if c is not None] if a.ctc_weight else []
        loss = ce_train
        if sel:
            lp = F.log_softmax(ctc_head(enc[sel]).float(), dim=-1).transpose(0, 1)
            tgt = torch.tensor([t for j in sel for t in ctc[j]], dtype=torch.long, device=dev)
            tl = torch.tensor([len(ctc[j]) for j in sel], dtype=torch.long, device=dev)
            il = torch.full((len(sel),), enc.shape[1], dtype=torch.long, device=dev)
            ctc_loss = F.ctc_loss(lp, tgt, il, tl, blank=len(tk.vocab), zero_infinity=True)
            loss = ce_train + a.ctc_weight * ctc_loss
        opt.zero_grad()
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(params, 1.0)
        if torch.isfinite(norm):
            opt.step()
            if ema is not None:
                with torch.no_grad():
                    for k, v in model.state_dict().items():
                        if v.dtype.is_floating_point:
                            ema[k].mul_(a.ema).add_(v, alpha=1 - a.ema)
                        else:
                            ema[k].copy_(v)
        else:  # one bad batch must not poison the weights (clipping spreads a NaN to every gradient)
            skipped += 1
            print(f"step {step + 1}: non-finite gradient, update skipped ({skipped} so far)", flush=True)
        step += 1
        now = time.time()
        if step % 50 == 0 or a.bench:
            msg = (f"step {step} lr {lr:.2e} ce {ce.item():.4f} loss {loss.item():.4f} "
                   f"elapsed {elapsed + now - t0:.0f}s")
            print(msg, flush=True)
            log.write(msg + "\n")
            log.flush()
        if a.bench and step >= a.bench:
            print(f"bench {(time.time() - t0) / step:.2f} s/step")
            return
        over = a.max_minutes and (time.time() - t_start) > a.max_minutes * 60
        done = progress() >= 1.0
        if step % a.ckpt_every == 0 or done or over:
            save(final=done)
            if over:
                print(f"stopping early at step {step} (time limit)", flush=True)
                break
    print(f"done step {step} train seconds {elapsed + time.time() - t0:.0f}", flush=True)


if __name__ == "__main__":
    main()

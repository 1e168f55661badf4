"""Greedy Whisper decoding as openai/whisper does it (suppress rules, timestamp rules, no-speech
probability at <|startoftranscript|>, sequential long-form decoding that seeks by the last
timestamp), over a backend: PyTorch (TorchBackend) or ONNX Runtime (ort.OrtBackend)."""
import numpy as np
import torch

import features


class TorchBackend:
    def __init__(self, model):
        self.model = model.eval()

    @torch.no_grad()
    def encode(self, feats):
        return self.model.encode(torch.from_numpy(feats)[None])

    @torch.no_grad()
    def start(self, enc):
        return {"cross": self.model.cross_kv(enc), "past": None}

    @torch.no_grad()
    def step(self, state, ids):
        logits, past = self.model.decode(torch.tensor([ids], dtype=torch.long), state["cross"], state["past"])
        state["past"] = past
        return logits[0].float().numpy()


def log_softmax(x):
    m = x.max(-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(-1, keepdims=True))


class Decoder:
    def __init__(self, backend, tk, gen):
        self.b, self.tk, self.gen = backend, tk, gen
        self.n_samples = gen["n_samples"]
        self.langs = {l: getattr(tk, l) for l in ("en", "es")}
        self.suppress = list(gen["suppress_tokens"])
        self.begin_suppress = list(gen["begin_suppress_tokens"])
        self.max_initial = gen.get("max_initial_timestamp_index")
        self.max_len = gen["max_length"]

    def features(self, audio):
        return features.log_mel(audio, self.n_samples)

    def detect(self, enc):
        """Language token, language probabilities and the no-speech probability at <|startoftranscript|>."""
        logits = self.b.step(self.b.start(enc), [self.tk.sot])[-1]
        lp = log_softmax(logits)
        no_speech = float(np.exp(lp[self.tk.no_speech]))
        lang_ids = list(self.langs.values())
        l = lang_ids[int(np.argmax(logits[lang_ids]))]
        argmax_all = int(np.argmax(logits))
        return l, no_speech, argmax_all == self.tk.no_speech

    def generate(self, enc, lang_id, task="transcribe", timestamps=False):
        tk = self.tk
        prompt = [tk.sot, lang_id, tk.translate if task == "translate" else tk.transcribe]
        if not timestamps:
            prompt.append(tk.no_timestamps)
        state = self.b.start(enc)
        logits_all = self.b.step(state, prompt)
        no_speech = float(np.exp(log_softmax(logits_all[0])[tk.no_speech]))
        logits = logits_all[-1]
        out, sum_lp = [], 0.0
        tb = tk.timestamp_begin
        while len(prompt) + len(out) < self.max_len:
            x = logits.astype(np.float64).copy()
            if not out:
                x[self.begin_suppress] = -np.inf
            x[self.suppress] = -np.inf
            if timestamps:
                x[tk.no_timestamps] = -np.inf
                last_ts = len(out) >= 1 and out[-1] >= tb
                pen_ts = len(out) < 2 or out[-2] >= tb
                if last_ts:
                    if pen_ts:
                        x[tb:] = -np.inf
                    else:
                        x[:tk.eot] = -np.inf
                ts = [t for t in out if t >= tb]
                if ts:
                    last = ts[-1] if (last_ts and not pen_ts) else ts[-1] + 1
                    x[tb:last] = -np.inf
                if not out:
                    x[:tb] = -np.inf
                    if self.max_initial is not None:
                        x[tb + self.max_initial + 1:] = -np.inf
                lp = log_softmax(x)
                if np.logaddexp.reduce(lp[tb:]) > lp[:tb].max():
                    x[:tb] = -np.inf
            lp = log_softmax(x)
            t = int(np.argmax(x))
            sum_lp += float(lp[t])
            out.append(t)
            if t == tk.eot:
                break
            logits = self.b.step(state, [t])[-1]
        tokens = out[:-1] if out and out[-1] == tk.eot else out
        return {"tokens": tokens, "avg_logprob": sum_lp / max(1, len(out)), "no_speech_prob": no_speech}

    def text(self, tokens):
        return " ".join(self.tk.decode([t for t in tokens if t < self.tk.eot]).split())

    def transcribe_short(self, audio, task="transcribe", language=None, timestamps=False):
        enc = self.b.encode(self.features(audio))
        lang_id, no_speech, ns_top = self.detect(enc)
        if language is not None:
            lang_id = self.langs[language]
        r = self.generate(enc, lang_id, task, timestamps)
        lang = [k for k, v in self.langs.items() if v == lang_id][0]
        res = {"language": lang, "no_speech_prob": no_speech, "nospeech_top": ns_top, "text": self.text(r["tokens"]),
               "tokens": r["tokens"], "avg_logprob": r["avg_logprob"]}
        if timestamps:
            res["segments"] = self.segments(r["tokens"], 0.0)[0]
        return res

    def segments(self, tokens, offset):
        """openai/whisper's split of one window's tokens into segments, and how far to seek (in 0.02 s units;
        None = the whole window)."""
        tb = self.tk.timestamp_begin
        is_ts = [t >= tb for t in tokens]
        single_end = len(tokens) >= 2 and is_ts[-1] and not is_ts[-2]
        cons = [i + 1 for i in range(len(tokens) - 1) if is_ts[i] and is_ts[i + 1]]
        segs = []
        if cons:
            slices = cons + ([len(tokens)] if single_end else [])
            last = 0
            for cur in slices:
                sl = tokens[last:cur]
                segs.append({"start": round(offset + (sl[0] - tb) * 0.02, 3), "end": round(offset + (sl[-1] - tb) * 0.02, 3),
                             "text": self.text(sl)})
                last = cur
            seek = None if single_end else tokens[last - 1] - tb
        else:
            # No segment boundary. openai/whisper would start the segment at the window start; like
            # Hugging Face transformers we use the segment's own timestamps, and a window holding only
            # the start of a cut utterance seeks to that start instead of skipping it.
            ts = [t - tb for t in tokens if t >= tb]
            has_text = any(t < tb for t in tokens)
            seek = None
            if has_text:
                start, end = (ts[-2], ts[-1]) if len(ts) >= 2 else (0, ts[-1] if ts else None)
                segs.append({"start": round(offset + start * 0.02, 3),
                             "end": round(offset + (end if end is not None else 0) * 0.02, 3),
                             "text": self.text(tokens)})
            elif len(ts) == 1 and ts[0] > 0:
                seek = ts[0]
        return segs, seek

    def transcribe_long(self, audio, task="transcribe", language=None):
        """Sequential decoding over windows of n_samples that seeks by the last complete segment."""
        hop = features.HOP
        n_frames = len(audio) // hop
        win = self.n_samples // hop
        seek, segs, lang_id = 0, [], None
        while seek < n_frames:
            size = min(win, n_frames - seek)
            enc = self.b.encode(self.features(audio[seek * hop: seek * hop + size * hop]))
            if lang_id is None:
                lang_id = self.langs[language] if language else self.detect(enc)[0]
            r = self.generate(enc, lang_id, task, timestamps=True)
            if r["no_speech_prob"] > 0.6 and r["avg_logprob"] < -1.0:
                seek += size
                continue
            s, adv = self.segments(r["tokens"], seek * hop / features.SR)
            segs += [x for x in s if x["text"]]
            seek += size if adv is None else max(1, adv * 2)
        return {"segments": segs, "text": " ".join(x["text"] for x in segs)}

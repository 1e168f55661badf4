"""Writes tests/fixtures/speech: WAV inputs and their reference Whisper log-mel (features.log_mel),
the Slaney mel filter bank, and tokenizer reference ids, for the SDK's own feature extraction tests.

  /usr/bin/python3 tools/zoo/speech/fixtures.py --out tests/fixtures/speech
"""
import argparse
import json
import os
import sys
import wave

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402

import features  # noqa: E402
import tok as tokmod  # noqa: E402
import world  # noqa: E402


def write_wav(path, x):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(world.to_int16(x).tobytes())


def utterance(rng, lang):
    while True:
        u = world.sample_utterance(rng, lang)
        sp = world.synthesize(u)
        a, b = world.speech_bounds(sp)
        if 1.0 <= (b - a) / world.SR <= 8.0:
            return u, sp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--model-dir", default="models/tiny-whisper")
    ap.add_argument("--expected-from", default=None, help="checkpoint: only (re)write expected.json")
    a = ap.parse_args()
    if a.expected_from:
        return expected(a.out, a.model_dir, a.expected_from)
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(20261127)
    clips = []
    u, sp = utterance(rng, "en")
    x, s, e, kind, snr = world.compose_short(rng, sp)
    clips.append(("en_short", x, f"English utterance, {kind or 'no'} noise", u["text"]))
    u, sp = utterance(rng, "es")
    x, s, e, kind, snr = world.compose_short(rng, sp)
    clips.append(("es_short", x, f"Spanish utterance, {kind or 'no'} noise", u["text"]))
    u, sp = utterance(rng, "en")
    x = np.zeros(48000, dtype=np.float32)
    x[:min(len(sp), 48000)] = sp[:48000]
    clips.append(("exact_3s", x, "exactly 48000 samples (a multiple of 16000 and of the hop), clean", u["text"]))
    u, sp = utterance(rng, "en")
    x = np.zeros(40001, dtype=np.float32)
    seg = sp[:40001 - 1601]
    x[1601:1601 + len(seg)] = seg
    x = world.add_noise(rng, x, np.abs(x) > 0)[0]
    clips.append(("odd_length", x, "40001 samples (not a multiple of 16000 nor of the hop 160)", u["text"]))
    clips.append(("silence", np.zeros(24000, dtype=np.float32), "1.5 s of digital silence", ""))
    us = [utterance(rng, "en") for _ in range(4)]
    x = world.compose_long(rng, [sp for _, sp in us])[0][:int(12.3 * 16000)]
    clips.append(("long_12s", x, "12.3 s of long-form audio (4 utterances joined, the last ones past the cut): "
                  "longer than chunk_length, features cut to n_samples", " ".join(u["text"] for u, _ in us)))
    manifest = {"description": "Whisper log-mel reference (tools/zoo/speech/features.py log_mel: periodic Hann 400, "
                               "hop 160, reflect pad center=True, |STFT|^2, last frame dropped, Slaney mel filters, "
                               "log10(max(x,1e-10)), max(x, max-8), (x+4)/4; audio zero-padded or cut to n_samples "
                               "before the STFT). WAVs are 16 kHz mono 16-bit PCM; the reference was computed from "
                               "the int16 samples / 32768.",
                "sampling_rate": 16000, "n_fft": 400, "hop_length": 160, "n_mels": 80, "n_samples": 160000,
                "n_frames": 1000, "dtype": "float32 little-endian", "layout": "row-major [n_mels, n_frames]",
                "mel_filters": {"file": "mel_filters_80x201.bin", "shape": [80, 201],
                                "description": "librosa.filters.mel(sr=16000, n_fft=400, n_mels=80, htk=False, norm='slaney'), float32"},
                "clips": []}
    for name, x, desc, text in clips:
        write_wav(os.path.join(a.out, name + ".wav"), x)
        with wave.open(os.path.join(a.out, name + ".wav")) as w:
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
        mel = features.log_mel(pcm, 160000)
        mel.astype("<f4").tofile(os.path.join(a.out, name + ".logmel.bin"))
        manifest["clips"].append({"wav": name + ".wav", "logmel": name + ".logmel.bin", "samples": int(len(pcm)),
                                  "shape": list(mel.shape), "description": desc, "text": text,
                                  "min": float(mel.min()), "max": float(mel.max()), "mean": float(mel.mean())})
    features.mel_filters().astype("<f4").tofile(os.path.join(a.out, "mel_filters_80x201.bin"))
    tk = tokmod.load(os.path.join(a.model_dir, "tokenizer.json"), 10.0)
    samples = [" pick up the red circle", " set a timer for forty two minutes", " call zero nine eight one",
               " mueve la estrella amarilla a la izquierda", " enciende la luz morada", " there are twenty crosses",
               " hello world"]
    manifest["tokenizer"] = {"model_dir": a.model_dir, "note": "encode(text) without special tokens (Whisper text "
                             "starts with a space); decode(ids) gives the text back",
                             "cases": [{"text": s, "ids": tk.encode(s)} for s in samples]}
    json.dump(manifest, open(os.path.join(a.out, "manifest.json"), "w", encoding="utf-8"), indent=2, ensure_ascii=False)


def expected(out, model_dir, ckpt):
    """tests/fixtures/speech/expected.json: what tiny-whisper decodes on each fixture WAV (greedy, as
    tools/zoo/speech/decode.py), so SDK tests can check end to end without espeak-ng."""
    import torch

    import common
    import decode
    torch.set_num_threads(1)
    cfg, gen, pre, tk = common.load_folder(model_dir)
    model, _ = common.load_model(ckpt)
    D = decode.Decoder(decode.TorchBackend(model), tk, gen)
    man = json.load(open(os.path.join(out, "manifest.json"), encoding="utf-8"))
    res = {"model_dir": model_dir, "decoding": "greedy; see models/README.md (tiny-whisper) and "
           "tools/zoo/speech/decode.py", "clips": []}
    for c in man["clips"]:
        audio = common.read_wav(os.path.join(out, c["wav"]))
        feats = D.features(audio)
        enc = D.b.encode(feats)
        lang_id, ns_prob, ns_top = D.detect(enc)
        first = D.b.step(D.b.start(enc), [tk.sot])[-1]
        top = np.argsort(-first)[:5]
        r = D.generate(enc, lang_id)
        rt = D.generate(enc, lang_id, "transcribe", True)
        e = {"wav": c["wav"], "language": "en" if lang_id == tk.en else "es", "no_speech_prob": round(ns_prob, 5),
             "sot_top5": [{"id": int(i), "logit": round(float(first[i]), 4)} for i in top],
             "transcribe": {"prompt": [tk.sot, lang_id, tk.transcribe, tk.no_timestamps], "tokens": r["tokens"],
                            "text": D.text(r["tokens"])},
             "timestamps": {"prompt": [tk.sot, lang_id, tk.transcribe], "tokens": rt["tokens"],
                            "segments": D.segments(rt["tokens"], 0.0)[0]}}
        if lang_id == tk.es:
            t = D.generate(enc, lang_id, "translate")
            e["translate"] = {"prompt": [tk.sot, lang_id, tk.translate, tk.no_timestamps], "tokens": t["tokens"],
                              "text": D.text(t["tokens"])}
        if len(audio) > gen["n_samples"]:
            e["long_form"] = D.transcribe_long(audio)
        res["clips"].append(e)
    json.dump(res, open(os.path.join(out, "expected.json"), "w", encoding="utf-8"), indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()

"""Held-out evaluation of tiny-whisper, PyTorch or ONNX (onnxruntime-node), with the same decoder.

  /usr/bin/python3 tools/zoo/speech/eval.py --backend torch|onnx --data .zoo-data/speech/eval \
      --ckpt .zoo-data/speech/run/model.pt --model-dir models/tiny-whisper --out RESULT.json

DATA holds short/, nospeech/ and long/ made by tools/zoo/speech.py with one held-out seed.
Metrics: WER (corpus level, language auto-detected) for English and Spanish; language ID accuracy;
exact match of Spanish->English translation; long-form: share of reference utterances with a decoded
segment whose start and end are both within 0.2 s (sequential decoding seeking by the last complete
segment); no-speech: share of noise/silence clips where <|nospeech|> is the top token after
<|startoftranscript|> or the transcript is empty.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402

import common  # noqa: E402
import decode  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["torch", "onnx"], required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--ckpt", default=".zoo-data/speech/run/model.pt")
    ap.add_argument("--model-dir", default="models/tiny-whisper")
    ap.add_argument("--out", required=True)
    ap.add_argument("--limit", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(1)
    cfg, gen, pre, tk = common.load_folder(a.model_dir)
    server = None
    if a.backend == "torch":
        model, _ = common.load_model(a.ckpt)
        backend = decode.TorchBackend(model)
    else:
        import ort
        server = ort.OrtServer(a.model_dir)
        backend = ort.OrtBackend(server, cfg, "merged")
    D = decode.Decoder(backend, tk, gen)
    t0 = time.time()
    per = []
    short = common.load_labels(os.path.join(a.data, "short"))
    if a.limit:
        short = short[:a.limit]
    err = {"en": [0, 0], "es": [0, 0]}
    lid = trans_ok = trans_n = ts_ok = 0
    for lab in short:
        audio = common.read_wav(os.path.join(a.data, "short", lab["file"]))
        enc = backend.encode(D.features(audio))
        lang_id, ns_prob, ns_top = D.detect(enc)
        lang = "en" if lang_id == tk.en else "es"
        lid += lang == lab["language"]
        text = D.text(D.generate(enc, lang_id)["tokens"])
        e, n = common.wer_counts(lab["text"], text)
        err[lab["language"]][0] += e
        err[lab["language"]][1] += n
        rec = {"file": lab["file"], "language": lang, "text": text}
        if lab["language"] == "es":
            tr = D.text(D.generate(enc, lang_id, "translate")["tokens"])
            trans_ok += tr == lab["translation"]
            trans_n += 1
            rec["translation"] = tr
        segs, _ = D.segments(D.generate(enc, lang_id, "transcribe", True)["tokens"], 0.0)
        ref = lab["segments"][0]
        ts_ok += bool(segs) and abs(segs[0]["start"] - ref["start"]) <= 0.2 and abs(segs[-1]["end"] - ref["end"]) <= 0.2
        rec["segments"] = segs
        per.append(rec)
    ns = common.load_labels(os.path.join(a.data, "nospeech"))
    ns_ok = ns_top_n = ns_empty_n = 0
    for lab in ns:
        audio = common.read_wav(os.path.join(a.data, "nospeech", lab["file"]))
        enc = backend.encode(D.features(audio))
        lang_id, ns_prob, ns_top = D.detect(enc)
        text = D.text(D.generate(enc, lang_id)["tokens"])
        ns_top_n += ns_top
        ns_empty_n += text == ""
        ns_ok += ns_top or text == ""
        per.append({"file": "nospeech/" + lab["file"], "nospeech_top": ns_top, "no_speech_prob": ns_prob, "text": text})
    longs = common.load_labels(os.path.join(a.data, "long"))
    utt_ok = utt_n = 0
    lerr = [0, 0]
    for lab in longs:
        audio = common.read_wav(os.path.join(a.data, "long", lab["file"]))
        r = D.transcribe_long(audio)
        e, n = common.wer_counts(lab["text"], r["text"])
        lerr[0] += e
        lerr[1] += n
        used = set()
        for ref in lab["segments"]:
            utt_n += 1
            for j, s in enumerate(r["segments"]):
                if j not in used and abs(s["start"] - ref["start"]) <= 0.2 and abs(s["end"] - ref["end"]) <= 0.2:
                    used.add(j)
                    utt_ok += 1
                    break
        per.append({"file": "long/" + lab["file"], "segments": r["segments"]})
    n_en = sum(1 for l in short if l["language"] == "en")
    res = {
        "backend": a.backend,
        "counts": {"short": len(short), "english": n_en, "spanish": len(short) - n_en, "nospeech": len(ns),
                   "long_files": len(longs), "long_utterances": utt_n},
        "english_wer": round(err["en"][0] / max(1, err["en"][1]), 4),
        "spanish_wer": round(err["es"][0] / max(1, err["es"][1]), 4),
        "language_id_accuracy": round(lid / max(1, len(short)), 4),
        "translation_exact_match": round(trans_ok / max(1, trans_n), 4),
        "short_timestamps_within_0.2s": round(ts_ok / max(1, len(short)), 4),
        "long_form_segments_within_0.2s": round(utt_ok / max(1, utt_n), 4),
        "long_form_wer": round(lerr[0] / max(1, lerr[1]), 4),
        "no_speech_rate": round(ns_ok / max(1, len(ns)), 4),
        "no_speech_top_token_rate": round(ns_top_n / max(1, len(ns)), 4),
        "no_speech_empty_transcript_rate": round(ns_empty_n / max(1, len(ns)), 4),
        "seconds": round(time.time() - t0, 1),
    }
    print(json.dumps(res, indent=2), flush=True)
    json.dump({"summary": res, "clips": per}, open(a.out, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
    if server:
        server.close()


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Score mm outputs (out/*.json) against data/manifest.json. Usage: /usr/bin/python3 score.py [data] [out]"""
import json, re, sys, unicodedata, collections

DATA = sys.argv[1] if len(sys.argv) > 1 else "data"
OUT = sys.argv[2] if len(sys.argv) > 2 else "out"
man = json.load(open(f"{DATA}/manifest.json", encoding="utf-8"))


def norm(t):
    t = unicodedata.normalize("NFC", t).lower().replace("-", " ")
    t = re.sub(r"[^\w\s]", " ", t)
    return " ".join(t.split())


def edits(r, h):
    d = list(range(len(h) + 1))
    for i in range(1, len(r) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(h) + 1):
            cur = min(d[j] + 1, d[j - 1] + 1, prev + (r[i - 1] != h[j - 1]))
            prev, d[j] = d[j], cur
    return d[len(h)]


def load(name):
    try:
        res = json.load(open(f"{OUT}/{name}.json", encoding="utf-8"))["results"]
    except FileNotFoundError:
        return None
    return {r["audio"].split(DATA + "/", 1)[-1]: r for r in res}


def key(f):
    return f


lines = []
P = lines.append
short = load("short")
if short:
    by = collections.defaultdict(lambda: [0, 0, 0])  # errs, words, utts-wrong
    fails = []
    lang_ok = collections.Counter(); lang_n = collections.Counter()
    raw_exact = 0
    for m in man["short"]:
        r = short[m["file"]]
        ref, hyp = m["text"].split(), norm(r["text"]).split()
        e = edits(ref, hyp)
        raw_exact += r["text"].strip() == m["text"]
        for k in (m["lang"], f'{m["lang"]}:{m["template"]}', f'{m["lang"]}:var={m["variant"]}', f'{m["lang"]}:voice={m["voice"]}',
                  f'{m["lang"]}:noise={m["noise"]}', f'{m["lang"]}:resampler={m["resampler"]}'):
            by[k][0] += e; by[k][1] += len(ref); by[k][2] += e > 0
        lang_n[m["lang"]] += 1
        lang_ok[m["lang"]] += r["language"] == m["lang"]
        if e or r["language"] != m["lang"]:
            fails.append((m, r, e))

    P("## Short clips (auto language)")
    for lg in [l for l in ("en", "es") if lang_n[l]]:
        e, w, u = by[lg]
        P(f"- {lg} WER {e/w:.4f} ({e} word errors / {w} words; {u} of {lang_n[lg]} clips with errors); language ID {lang_ok[lg]}/{lang_n[lg]}")
    P(f"- language ID overall {sum(lang_ok.values())}/{sum(lang_n.values())} = {sum(lang_ok.values())/sum(lang_n.values()):.4f}")
    P(f"- raw exact text (no normalisation) {raw_exact}/{len(man['short'])}")
    P("\n### WER breakdown (errors/words, clips wrong)")
    for k in sorted(by):
        if ":" in k:
            e, w, u = by[k]
            P(f"  {k:28s} {e:3d}/{w:4d} = {e/w:.3f}  clips wrong {u}")
    P("\n### Failing short clips")
    for m, r, e in fails:
        P(f"- {m['file']} [{m['voice']}+{m['variant']} s{m['speed']} p{m['pitch']} {m['noise']} {m['snr']} {m['resampler']}] "
          f"lang={r['language']} errs={e}\n    ref: {m['text']}\n    hyp: {r['text']}")

tr = load("translate")
if tr:
    ok, n, tf = 0, 0, []
    for m in man["short"]:
        if m["lang"] != "es":
            continue
        r = tr[m["file"]]; n += 1
        if norm(r["text"]) == m["meaning"]:
            ok += 1
        else:
            tf.append((m, r))
    P(f"\n## Translation es->en: exact (normalised) {ok}/{n} = {ok/n:.4f}")
    for m, r in tf:
        P(f"- {m['file']} [{m['variant']} s{m['speed']} p{m['pitch']} {m['noise']} {m['snr']}] es: {m['text']}\n    want: {m['meaning']}\n    got:  {r['text']}")

ns = load("nospeech")
if ns:
    ok = sum(1 for m in man["nospeech"] if ns[m["file"]]["text"].strip() == "")
    P(f"\n## No-speech: empty text {ok}/{len(man['nospeech'])}")
    for m in man["nospeech"]:
        if ns[m["file"]]["text"].strip():
            P(f"- {m['file']} -> {ns[m['file']]['text']!r}")


def match_segments(refs, segs, tol=0.2, ks="start", ke="end"):
    """a reference utterance is timed right when some segment has start and end both within tol"""
    hits = []
    for u in refs:
        best = None
        for sg in segs:
            if abs(sg["start"] - u[ks]) <= tol and abs(sg["end"] - u[ke]) <= tol:
                best = sg
                break
        hits.append(best)
    return hits


def nearest(u, segs, ks="start", ke="end"):
    return min(segs, key=lambda sg: abs(sg["start"] - u[ks]) + abs(sg["end"] - u[ke])) if segs else None


misses = []
import glob, os
probe_names = sorted(os.path.basename(x)[:-5] for x in glob.glob(f"{OUT}/probe_*.json"))
for name in ["long_ts", "long_plain", "long_vad_ts", "long_vad", "long_translate_ts"] + probe_names:
    lf = load(name)
    if not lf:
        continue
    P(f"\n## Long-form: {name}")
    tr = name.startswith("long_translate")
    agg = collections.defaultdict(lambda: collections.Counter())
    for m in man["long"]:
        r = lf[m["file"]]
        lg = m.get("lang", "en")
        refs = m["utterances"]
        if tr:
            refs = [dict(u, text=u["meaning"] or u["text"]) for u in refs]
        ref_words = " ".join(u["text"] for u in refs).split()
        hyp_words = norm(r["text"]).split()
        e = edits(ref_words, hyp_words)
        hits = match_segments(refs, r["segments"])
        nh = sum(h is not None for h in hits)
        nt = sum(h is not None and norm(h["text"]) == u["text"] for h, u in zip(hits, refs))
        alt = "start_1pct" in refs[0]
        nh1 = sum(h is not None for h in match_segments(refs, r["segments"], ks="start_1pct", ke="end_1pct")) if alt else -1
        ns = sum(any(abs(sg["start"] - u["start"]) <= 0.2 for sg in r["segments"]) for u in refs)
        ne = sum(any(abs(sg["end"] - u["end"]) <= 0.2 for sg in r["segments"]) for u in refs)
        c = agg[lg]
        c["hit"] += nh; c["hit1"] += nh1; c["u"] += len(refs); c["e"] += e; c["w"] += len(ref_words); c["txt"] += nt
        c["ns"] += ns; c["ne"] += ne; c["segs"] += len(r["segments"])
        P(f"- {m['file']} ({lg} {m['voice']}+{m['variant']}, {m['noise']} {m['snr']}, {m['duration']} s, {len(refs)} utts): "
          f"timed {nh}/{len(refs)} (1%-peak refs {nh1}), starts {ns} ends {ne}, timed+text {nt}/{len(refs)}, "
          f"WER {e/len(ref_words):.3f} ({e}/{len(ref_words)}), {len(r['segments'])} segments")
        if name == "long_ts":
            for h, u in zip(hits, refs):
                if h is None:
                    nb = nearest(u, r["segments"])
                    misses.append((m, u, nb))
    for lg, c in sorted(agg.items()):
        P(f"- TOTAL[{lg}] timed within 0.2 s {c['hit']}/{c['u']} = {c['hit']/c['u']:.3f} (against 1%-of-peak refs: {c['hit1']}/{c['u']}); "
          f"starts {c['ns']}/{c['u']}, ends {c['ne']}/{c['u']}; timed+text {c['txt']}/{c['u']}; WER {c['e']/c['w']:.4f} ({c['e']}/{c['w']}); segments {c['segs']}")
    c = sum(agg.values(), collections.Counter())
    P(f"- TOTAL[all] timed within 0.2 s {c['hit']}/{c['u']} = {c['hit']/c['u']:.3f} (1%-peak refs {c['hit1']}/{c['u']} = {c['hit1']/c['u']:.3f}); "
      f"WER {c['e']/c['w']:.4f} ({c['e']}/{c['w']})")

if misses:
    P("\n### long_ts misses (reference vs nearest segment; d = hyp - ref)")
    for m, u, nb in misses:
        if nb is None:
            P(f"- {m['file']} {u['start']:.2f}-{u['end']:.2f} '{u['text']}' -> no segment"); continue
        P(f"- {m['file']} s{u['speed']} p{u['pitch']} pause_before={u.get('pause_before')} after={u.get('pause_after')} "
          f"ref {u['start']:.2f}-{u['end']:.2f} (1%: {u.get('start_1pct', 0):.2f}-{u.get('end_1pct', 0):.2f}) "
          f"hyp {nb['start']:.2f}-{nb['end']:.2f} dS={nb['start']-u['start']:+.2f} dE={nb['end']-u['end']:+.2f}\n"
          f"    ref: {u['text']}\n    hyp: {nb['text']}")

vd = load("vad")
if vd:
    P("\n## mm vad")
    for m in man["nospeech"]:
        r = vd.get(m["file"])
        if r is not None:
            P(f"- {m['file']}: {len(r['speech'])} regions {r['speech'][:3]}")
    cov = tot = 0
    for m in man["long"]:
        r = vd.get(m["file"])
        if r is None:
            continue
        sp = r["speech"]
        for u in m["utterances"]:
            tot += 1
            cov += any(reg["start"] <= u["start"] + 0.05 and reg["end"] >= u["end"] - 0.05 for reg in sp)
        P(f"- {m['file']}: {len(sp)} regions for {len(m['utterances'])} utterances")
    P(f"- utterances fully inside one VAD region (+-0.05 s): {cov}/{tot}")

nv = load("nospeech_vad")
if nv:
    ok = sum(1 for m in man["nospeech"] if nv[m["file"]]["text"].strip() == "")
    P(f"\n## No-speech with --vad: empty text {ok}/{len(man['nospeech'])}")

print("\n".join(lines))

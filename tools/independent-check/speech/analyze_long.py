#!/usr/bin/python3
"""Long-form miss analysis. Usage: analyze_long.py OUTNAME DATA:OUT [DATA:OUT...]  (OUTNAME e.g. long_ts)"""
import json, sys, re, collections, unicodedata

def norm(t):
    t = unicodedata.normalize("NFC", t).lower().replace("-", " ")
    return " ".join(re.sub(r"[^\w\s]", " ", t).split())

name = sys.argv[1]
rows = []
halluc = []
for pair in sys.argv[2:]:
    d, o = pair.split(":")
    man = json.load(open(f"{d}/manifest.json"))
    res = {r["audio"].split(d + "/", 1)[-1]: r for r in json.load(open(f"{o}/{name}.json"))["results"]}
    for m in man["long"]:
        segs = res[m["file"]]["segments"]
        us = m["utterances"]
        for k, u in enumerate(us):
            hit = any(abs(s["start"] - u["start"]) <= 0.2 and abs(s["end"] - u["end"]) <= 0.2 for s in segs)
            okS = any(abs(s["start"] - u["start"]) <= 0.2 for s in segs)
            okE = any(abs(s["end"] - u["end"]) <= 0.2 for s in segs)
            # text of segments overlapping the utterance most
            ov = [s for s in segs if min(s["end"], u["end"]) - max(s["start"], u["start"]) > 0.3 * (u["end"] - u["start"])]
            txt_ok = any(norm(s["text"]) == u["text"] for s in ov)
            rows.append(dict(file=f"{d}/{m['file']}", lang=m.get("lang", "en"), noise=m["noise"], snr=m["snr"], k=k, n=len(us),
                             pb=u.get("pause_before"), pa=u.get("pause_after"), speed=u["speed"], tmpl=u["template"],
                             hit=hit, okS=okS, okE=okE, txt=txt_ok, start=u["start"], end=u["end"], text=u["text"]))
        for s in segs:
            if not any(min(s["end"], u["end"]) - max(s["start"], u["start"]) > 0 for u in us):
                halluc.append((f"{d}/{m['file']}", s))

def table(title, keyf):
    c = collections.defaultdict(lambda: [0, 0, 0, 0, 0])
    for r in rows:
        k = keyf(r)
        c[k][0] += 1; c[k][1] += r["hit"]; c[k][2] += r["okS"]; c[k][3] += r["okE"]; c[k][4] += r["txt"]
    print(f"\n{title}: n, timed(both) , start ok, end ok, text ok")
    for k in sorted(c, key=lambda x: (x is None, str(x))):
        n, h, s, e, t = c[k]
        print(f"  {str(k):22s} n={n:3d} timed {h/n:.2f}  start {s/n:.2f}  end {e/n:.2f}  text {t/n:.2f}")

def b(x, edges):
    if x is None: return "none(file edge)"
    for lo, hi in zip(edges, edges[1:]):
        if lo <= x < hi: return f"{lo:.1f}-{hi:.1f}"
    return f">={edges[-1]}"

E = [0.3, 0.6, 1.0, 1.5, 2.0, 2.5, 3.01]
print(f"{name}: {sum(r['hit'] for r in rows)}/{len(rows)} timed")
table("pause BEFORE the utterance", lambda r: b(r["pb"], E))
table("pause AFTER the utterance", lambda r: b(r["pa"], E))
table("min(pause before, after)", lambda r: b(min([p for p in (r["pb"], r["pa"]) if p is not None]), E))
table("speed", lambda r: b(r["speed"], [130, 150, 170, 190, 211]))
table("template", lambda r: r["tmpl"])
table("noise", lambda r: r["noise"])
table("language", lambda r: r["lang"])
table("position", lambda r: "first" if r["k"] == 0 else ("last" if r["k"] == r["n"] - 1 else "middle"))
print(f"\nsegments overlapping no utterance (hallucinations): {len(halluc)}")
for f, s in halluc:
    print(f"  {f} {s['start']:.2f}-{s['end']:.2f} {s['text']!r}")

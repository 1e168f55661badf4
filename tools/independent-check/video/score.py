#!/usr/bin/python3
"""Score mm outputs against labels. usage: /usr/bin/python3 score.py CLIPDIR [--fails]"""
import json, os, re, sys, collections

d = sys.argv[1]
show = "--fails" in sys.argv
labs = {json.loads(l)["file"]: json.loads(l) for l in open(os.path.join(d, "labels.jsonl"))}
outs = [json.loads(l) for l in open(os.path.join(d, "mm_out.jsonl"))]


def qtype(q):
    if q.startswith("which way"): return "which_way"
    if q == "what appears?": return "what_appears"
    if q == "what disappears?": return "what_disappears"
    if q.startswith("how many"): return "how_many"
    if q.startswith("what color"): return "what_color"
    if q.startswith("describe"): return "describe(ask)"
    if q.startswith("when does"): return "moment(ask)"
    return "other"


acc = collections.defaultdict(lambda: [0, 0])
fails = collections.defaultdict(list)
rows = []  # per item: (task, file, ok, info)


def add(task, split, ok, file, info):
    for k in (task, f"{task}[{split}]"):
        acc[k][0] += ok; acc[k][1] += 1
    if not ok:
        fails[task].append((file, info))
    rows.append(dict(task=task, split=split, file=file, ok=bool(ok), info=info))


for o in outs:
    L = labs[o["file"]]; split = f"{len(L['objects'])}obj"
    res = o["ask"][0]["results"] if o["ask"][0] else []
    got = {r["question"]: r["answer"] for r in res}
    for qa in L["qa"]:
        t = qtype(qa["question"])
        a = got.get(qa["question"])
        if t == "moment(ask)":
            try:
                ok = abs(float(a) - float(qa["answer"])) <= 0.25
            except Exception:
                ok = False
        else:
            ok = (a is not None and a.strip() == qa["answer"])
        add(t, split, ok, o["file"], f"Q={qa['question']!r} want={qa['answer']!r} got={a!r}")
    dd = o["describe"][0]["results"][0]["description"] if o["describe"][0] else None
    add("describe", split, dd == L["description"], o["file"], f"want={L['description']!r} got={dd!r}")
    for fr in o["find"]:
        q = fr["query"]; ev = [ob for ob in L["objects"] if ob["event"]][0]
        ms = fr["res"][0]["results"][0]["moments"] if fr["res"][0] else []
        t = ev["event_time"]
        if ev["event"] == "appears":
            top = ms[0]["start"] if ms else None
            ok = top is not None and abs(top - t) <= 0.25
            add("find_appear(start)", split, ok, o["file"], f"t={t} moments={ms}")
        else:
            top_s = ms[0]["start"] if ms else None
            top_e = ms[0]["end"] if ms else None
            ok_e = top_e is not None and abs(top_e - t) <= 0.25
            add("find_disappear(end, per docs)", split, ok_e, o["file"], f"t={t} moments={ms}")
            ok_s = top_s is not None and abs(top_s - t) <= 0.25
            add("find_disappear(start, literal)", split, ok_s, o["file"], f"t={t} moments={ms}")

# transcription
def norm(s):
    s = s.lower()
    s = re.sub(r"[^a-z0-9' ]+", " ", s)
    return s.split()


def wer(ref, hyp):
    r, h = ref, hyp
    D = [[0] * (len(h) + 1) for _ in range(len(r) + 1)]
    for i in range(len(r) + 1): D[i][0] = i
    for j in range(len(h) + 1): D[0][j] = j
    for i in range(1, len(r) + 1):
        for j in range(1, len(h) + 1):
            D[i][j] = min(D[i - 1][j] + 1, D[i][j - 1] + 1, D[i - 1][j - 1] + (r[i - 1] != h[j - 1]))
    return D[len(r)][len(h)]


trp = os.path.join(d, "mm_transcribe.json")
wers = {}
if os.path.exists(trp):
    tr = json.load(open(trp))
    for mode, v in tr.items():
        if not v or not v[0]:
            continue
        E = N = 0; exact = 0; n = 0
        for r in v[0]["results"]:
            f = os.path.basename(r["audio"]); L = labs[f]
            ref = norm(L["audio_text"]); hyp = norm(r["text"])
            e = wer(ref, hyp); E += e; N += len(ref); n += 1; exact += (e == 0)
            rows.append(dict(task=f"asr_{mode}", split="", file=f, ok=e == 0,
                             info=f"ref={L['audio_text']!r} hyp={r['text']!r} lang={r.get('language')} errs={e}/{len(ref)}"))
            if e and mode == "auto":
                fails["asr_auto"].append((f, f"ref={L['audio_text']!r} hyp={r['text']!r} lang={r.get('language')}"))
        wers[mode] = (E / max(N, 1), exact, n)

print(f"{'task':45s} {'acc':>7s}  n")
for k in sorted(acc):
    c, n = acc[k]
    print(f"{k:45s} {c / n:7.3f}  {c}/{n}")
for m, (w, ex, n) in wers.items():
    print(f"{'asr WER (' + m + ')':45s} {w:7.3f}  utterance exact {ex}/{n}")
json.dump(rows, open(os.path.join(d, "scored_rows.json"), "w"), indent=0)
if show:
    for t, fl in fails.items():
        print(f"\n== {t}: {len(fl)} failures")
        for f, info in fl:
            print(" ", f, info)

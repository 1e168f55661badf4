#!/usr/bin/env python3
"""Run mm on a generated folder and score it.  usage: score.py DATADIR [OUTDIR] [--no-run]
Writes OUTDIR/{classify,caption,ask_*,embed}.json, OUTDIR/scores.json, OUTDIR/failures.jsonl."""
import json, os, subprocess, sys, collections
import numpy as np

MM = os.environ.get("MM", "mm")
HERE = os.path.dirname(os.path.abspath(__file__))
data = sys.argv[1]
out = sys.argv[2] if len(sys.argv) > 2 and not sys.argv[2].startswith("--") else os.path.join(data, "_out")
run = "--no-run" not in sys.argv
os.makedirs(out, exist_ok=True)
L = [json.loads(l) for l in open(os.path.join(data, "labels.jsonl"))]
path = lambda s: os.path.join(data, s["file"])
byfile = {path(s): s for s in L}


def mm(args, dest):
    if run or not os.path.exists(dest):
        r = subprocess.run(["nice", "-n", "5", MM] + args + ["--json"], capture_output=True, text=True)
        if r.returncode != 0:
            print("mm rc", r.returncode, r.stderr[:500], file=sys.stderr)
        open(dest, "w").write(r.stdout)
    return json.load(open(dest))["results"]


scores = {}
fails = []
one = [s for s in L if len(s["objects"]) == 1]
two = [s for s in L if len(s["objects"]) == 2]

# zero-shot
res = [] if not one else mm(["classify", "--image"] + [path(s) for s in one] + ["--labels-file", os.path.join(HERE, "labels40.txt"),
         "--template", "a photo of a {label}"], os.path.join(out, "classify.json"))
ok = 0
for r in res:
    s = byfile[r["image"]]; gold = f"{s['objects'][0]['colour']} {s['objects'][0]['shape']}"
    pred = r["labels"][0]["label"] if "labels" in r else None
    if pred == gold: ok += 1
    else: fails.append(dict(task="zeroshot", file=r["image"], gold=gold, pred=pred))
scores["zeroshot top-1"] = [ok, len(res)]

# captions
res = mm(["caption", "--image"] + [path(s) for s in L], os.path.join(out, "caption.json"))
c = collections.Counter()
for r in res:
    s = byfile[r["image"]]; k = "one" if len(s["objects"]) == 1 else "two"
    pred = r["captions"][0] if "captions" in r else None
    c[k + "_n"] += 1
    if pred == s["caption"]: c[k + "_ok"] += 1
    else: fails.append(dict(task="caption_" + k, file=r["image"], gold=s["caption"], pred=pred))
scores["caption exact (one-object)"] = [c["one_ok"], c["one_n"]]
scores["caption exact (two-object)"] = [c["two_ok"], c["two_n"]]

# VQA: group images by question text
byq = collections.defaultdict(list)
for s in L:
    for q in s["qa"]:
        byq[q["question"]].append((s, q))
pc = collections.Counter()
for i, (qtext, items) in enumerate(sorted(byq.items())):
    res = mm(["ask", "--image"] + [path(s) for s, _ in items] + ["--question", qtext], os.path.join(out, f"ask_{i:03d}.json"))
    assert len(res) == len(items), (qtext, len(res), len(items))
    for r, (s, q) in zip(res, items):
        assert r["image"] == path(s)
        pred = r.get("answer")
        t = q["type"] + ("" if q["type"] not in ("describe",) else ("_one" if len(s["objects"]) == 1 else "_two"))
        pc[t + "_n"] += 1
        if pred == q["answer"]: pc[t + "_ok"] += 1
        else: fails.append(dict(task="vqa_" + t, file=r["image"], question=qtext, gold=q["answer"], pred=pred))
for t in ["color", "shape", "count", "exists", "size", "describe_one", "describe_two"]:
    scores["vqa " + t] = [pc[t + "_ok"], pc[t + "_n"]]
scores["vqa overall (excl. describe)"] = [sum(pc[t + "_ok"] for t in ["color", "shape", "count", "exists", "size"]),
                                          sum(pc[t + "_n"] for t in ["color", "shape", "count", "exists", "size"])]

# retrieval: caption text -> image R@1/R@5 (distinct captions only: each query's positives = images with that caption)
ie = mm(["embed", "--image"] + [path(s) for s in L], os.path.join(out, "embed_img.json"))
caps = sorted({s["caption"] for s in L})
te = mm(["embed", "--text"] + caps, os.path.join(out, "embed_txt.json"))
I = np.array([r["embedding"] for r in ie]); T = np.array([r["embedding"] for r in te])
files = [r["input"] for r in ie]
sim = T @ I.T
r1 = r5 = 0
for qi, cap in enumerate(caps):
    order = np.argsort(-sim[qi])
    pos = {j for j, f in enumerate(files) if byfile[f]["caption"] == cap}
    r1 += bool(set(order[:1]) & pos); r5 += bool(set(order[:5]) & pos)
scores["text->image R@1"] = [r1, len(caps)]
scores["text->image R@5"] = [r5, len(caps)]

for k, (a, n) in scores.items():
    if n: print(f"{k:32s} {a:4d}/{n:<4d} {100.0 * a / max(n, 1):6.1f}%")
json.dump(scores, open(os.path.join(out, "scores.json"), "w"), indent=1)
with open(os.path.join(out, "failures.jsonl"), "w") as f:
    for x in fails: f.write(json.dumps(x) + "\n")

#!/usr/bin/python3
"""Run mm over a generated clip folder; store raw outputs in DIR/mm_out.jsonl.
usage: /usr/bin/python3 run_mm.py CLIPDIR [MM]"""
import json, os, subprocess, sys

d = sys.argv[1]
MM = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("MM", "mm")
labs = [json.loads(l) for l in open(os.path.join(d, "labels.jsonl"))]


def mm(args):
    p = subprocess.run([MM] + args + ["--json"], capture_output=True, text=True)
    try:
        return json.loads(p.stdout), p.returncode, p.stderr[-2000:]
    except Exception:
        return None, p.returncode, (p.stdout[-1000:] + p.stderr[-2000:])


out = open(os.path.join(d, "mm_out.jsonl"), "w")
for L in labs:
    f = os.path.join(d, L["file"])
    rec = {"file": L["file"]}
    qs = [q["question"] for q in L["qa"]]
    rec["ask"] = mm(["video", "ask", "--video", f, "--question"] + qs)
    rec["describe"] = mm(["video", "describe", "--video", f])
    rec["find"] = []
    for o in L["objects"]:
        if o["event"]:
            verb = "appear" if o["event"] == "appears" else "disappear"
            q = f"when does the {o['colour']} {o['shape']} {verb}?"
            rec["find"].append({"query": q, "res": mm(["video", "find", "--video", f, "--text", q])})
    out.write(json.dumps(rec) + "\n"); out.flush()
# transcribe all audio clips in one call, default (auto language) and --language en
af = [os.path.join(d, L["file"]) for L in labs if L["audio_text"]]
tr = {}
if af:
    tr["auto"] = mm(["transcribe", "--audio"] + af)
    tr["en"] = mm(["transcribe", "--audio"] + af + ["--language", "en"])
json.dump(tr, open(os.path.join(d, "mm_transcribe.json"), "w"))

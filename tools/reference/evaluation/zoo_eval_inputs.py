#!/usr/bin/python3
"""Writes mm-eval inputs from the zoo's held-out predictions (models/*/eval.json) and the held-out labels.

    /usr/bin/python3 tools/zoo/shapes.py --seed 1001 --count 1000 --out DIR
    /usr/bin/python3 tools/reference/evaluation/zoo_eval_inputs.py DIR OUT

The references are the shapes world's canonical captions and one-word answers; VQA references repeat the one
answer ten times (ten agreeing annotators), so VQA accuracy here equals exact match after normalization.
"""
import json
import os
import sys

labels_dir, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
labels = {}
for line in open(os.path.join(labels_dir, "labels.jsonl")):
    if line.strip():
        d = json.loads(line)
        labels[d["file"]] = d

root = os.path.join(os.path.dirname(__file__), "..", "..", "..", "models")
cap = json.load(open(os.path.join(root, "tiny-captioner", "eval.json")))["predictions"]
json.dump([{"image_id": p["file"], "caption": p["caption"]} for p in cap], open(os.path.join(out, "captions_pred.json"), "w"))
json.dump({"annotations": [{"image_id": p["file"], "caption": labels[p["file"]]["caption"]} for p in cap]},
          open(os.path.join(out, "captions_refs.json"), "w"))

vqa = json.load(open(os.path.join(root, "tiny-vlm", "eval.json")))["predictions"]
preds, anns = [], []
for i, p in enumerate(vqa):
    qa = {q["question"]: q["answer"] for q in labels[p["file"]]["qa"]}
    if p["question"] not in qa:
        continue
    q = p["question"]
    qtype = q.split(" ")[0] + " " + q.split(" ")[1] if not q.startswith("describe") else "describe"
    qtype = {"what color": "color", "what shape": "shape", "how many": "count", "is there": "exists", "is the": "size"}.get(qtype, qtype)
    preds.append({"question_id": i, "answer": p["answer"]})
    anns.append({"question_id": i, "question_type": qtype, "answer_type": "other", "answers": [{"answer": qa[q]}] * 10})
json.dump(preds, open(os.path.join(out, "vqa_pred.json"), "w"))
json.dump({"annotations": anns}, open(os.path.join(out, "vqa_refs.json"), "w"))
print(f"{len(cap)} captions, {len(preds)} questions -> {out}")

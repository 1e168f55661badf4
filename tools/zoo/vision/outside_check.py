#!/usr/bin/python3
"""The vision models on the independent checker's shapes world (tools/independent-check/shapes/gen.py, written
from zoo-worlds.md alone), through `mm`, for several model folders side by side: the controlled experiments of that
check's REPORT.md, with the same switches, scored as its score.py scores them (exact string match).

  MM=/work/mm-bin/mm /usr/bin/python3 tools/zoo/vision/outside_check.py --data .zoo-data/outside \
      --model before=models/tiny-clip --model after=.zoo-data/clip-ft/export
  ... --task caption --model before=models/tiny-captioner --model after=.zoo-data/cap-ft/export
  ... --task ask --model before=models/tiny-vlm --model after=.zoo-data/vlm-ft/export

Tasks: classify (tiny-clip zero-shot top-1 over the 40 colour-shape labels, one-object images), caption (`mm
caption`, exact caption; one- and two-object images), ask (`mm ask`, every question the checker wrote for each
image, grouped by question text; the row is all answers, and `--by-type` adds one row per question type).

Sets (one-object images; generated once into --data, deterministic):
  main, base2       the check's main reading (gen.py data 300 20261203, exp/base2 seed 110)
  arm_wide          its alternative reading "cross arm width thin (0.15-0.22) or thick (0.42-0.5)" (300, seed 5)
  arm_X             crosses only, arm width X of the side (120 each, the REPORT's sweep and exp/cross_arm_*)
  inner_X           stars only, inner/outer radius ratio X (120 each)
  bg_B              the same small one-object scenes, no white or black objects, on background B (bg_control.sh)
  two_arm_X, two_inner_X, bg2_B   the same in two-object scenes (caption and ask; classify skips them: no
                    one-object image)
Prints the score per set and model, and writes --data/results.json (keyed by task, model and set).
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
CHECK = os.path.join(ROOT, "tools", "independent-check", "shapes")
PY = "/usr/bin/python3"
ARMS = ("0.10", "0.15", "0.20", "0.25", "0.333", "0.40", "0.45", "0.50")
INNERS = ("0.30", "0.38", "0.45", "0.50", "0.55", "0.60")
BGS = ("white", "black", "gray", "noise")


def gen(out, n, seed, *extra):
    if os.path.exists(os.path.join(out, "labels.jsonl")):
        return
    subprocess.run([PY, os.path.join(CHECK, "gen.py"), out, str(n), str(seed), *extra], check=True)


def background_control(data, prefix, seed, variant, count):
    """`count` scenes of `gen.py --variant variant` with no white or black object, re-rendered on each background as
    PREFIX_B (the REPORT's bg_control.sh): the same objects in the same places, only the background differs."""
    base = os.path.join(data, f"{prefix}_base")
    gen(base, 400, seed, "--variant", variant)
    keep = os.path.join(data, f"{prefix}_scenes.jsonl")
    if not os.path.exists(keep):
        with open(os.path.join(base, "labels.jsonl")) as f:
            scenes = [json.loads(line) for line in f]
        scenes = [s for s in scenes if all(o["colour"] not in ("white", "black") for o in s["objects"])][:count]
        with open(keep, "w") as f:
            f.writelines(json.dumps(s) + "\n" for s in scenes)
    for b in BGS:
        gen(os.path.join(data, f"{prefix}_{b}"), count, 0, "--from-labels", keep, "--set-bg", b)
    return {f"{prefix}_{b}": f"{prefix}_{b}" for b in BGS}


def build(data):
    sets = {}
    gen(os.path.join(data, "main"), 300, 20261203)
    gen(os.path.join(data, "base2"), 300, 110)
    gen(os.path.join(data, "arm_wide"), 300, 5, "--variant", "arm=wide")
    sets.update(main="main", base2="base2", arm_wide="arm_wide")
    for a in ARMS:
        gen(os.path.join(data, f"arm_{a}"), 120, 31, "--variant", f"n=1,shape=cross,armfix={a}")
        sets[f"arm_{a}"] = f"arm_{a}"
    for r in INNERS:
        gen(os.path.join(data, f"inner_{r}"), 120, 37, "--variant", f"n=1,shape=star,innerfix={r}")
        sets[f"inner_{r}"] = f"inner_{r}"
    # background control: 240 small one-object scenes in colours every background allows, re-rendered on each
    sets.update(background_control(data, "bg", 41, "n=1,size=small", 240))
    # two-object versions (captions and descriptions name both objects and their relation): crosses / stars of one
    # arm width / inner ratio in pairs, and 200 two-object scenes (no white or black objects) on each background
    for a in ("0.15", "0.20", "0.333", "0.45"):
        gen(os.path.join(data, f"two_arm_{a}"), 120, 31, "--variant", f"n=2,shape=cross,armfix={a}")
        sets[f"two_arm_{a}"] = f"two_arm_{a}"
    for r in ("0.40", "0.60"):
        gen(os.path.join(data, f"two_inner_{r}"), 120, 37, "--variant", f"n=2,shape=star,innerfix={r}")
        sets[f"two_inner_{r}"] = f"two_inner_{r}"
    sets.update(background_control(data, "bg2", 43, "n=2", 200))
    return sets


def scenes_of(folder):
    with open(os.path.join(folder, "labels.jsonl")) as f:
        return {os.path.join(folder, s["file"]): s for s in map(json.loads, f)}


def run_mm(mm, *args):
    r = subprocess.run([mm, *args, "--json"], capture_output=True, text=True, check=True)
    return json.loads(r.stdout)["results"]


def zero_shot(mm, model, folder):
    """{"all": [right, total]} over the one-object images."""
    one = {f: s for f, s in scenes_of(folder).items() if len(s["objects"]) == 1}
    if not one:
        return {}
    ok = 0
    for res in run_mm(mm, "classify", "--model", model, "--image", *one, "--labels-file",
                      os.path.join(CHECK, "labels40.txt"), "--template", "a photo of a {label}"):
        o = one[res["image"]]["objects"][0]
        ok += res["labels"][0]["label"] == f"{o['colour']} {o['shape']}"
    return {"all": [ok, len(one)]}


def caption(mm, model, folder):
    """{"all", "one", "two": [right, total]}: the first caption equals the scene's canonical caption."""
    scenes = scenes_of(folder)
    counts = {"all": [0, 0], "one": [0, 0], "two": [0, 0]}
    for res in run_mm(mm, "caption", "--model", model, "--image", *scenes):
        s = scenes[res["image"]]
        right = int(res["captions"][0] == s["caption"])
        for k in ("all", "one" if len(s["objects"]) == 1 else "two"):
            counts[k][0] += right
            counts[k][1] += 1
    return {k: v for k, v in counts.items() if v[1]}


def ask(mm, model, folder):
    """{"all", TYPE...: [right, total]}: every question of every image (one mm run per question text)."""
    by_question = {}
    for f, s in scenes_of(folder).items():
        for q in s["qa"]:
            by_question.setdefault(q["question"], []).append((f, s, q))
    counts = {"all": [0, 0]}
    for question, items in sorted(by_question.items()):
        answers = run_mm(mm, "ask", "--model", model, "--image", *[f for f, _, _ in items], "--question", question)
        for res, (f, s, q) in zip(answers, items, strict=True):
            assert res["image"] == f, (res["image"], f)
            t = q["type"] + (("_one" if len(s["objects"]) == 1 else "_two") if q["type"] == "describe" else "")
            right = int(res.get("answer") == q["answer"])
            for k in ("all", t):
                counts.setdefault(k, [0, 0])
                counts[k][0] += right
                counts[k][1] += 1
    return counts


TASKS = {"classify": zero_shot, "caption": caption, "ask": ask}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--model", action="append", required=True, help="NAME=DIR (repeatable)")
    ap.add_argument("--only", help="comma-separated set names")
    ap.add_argument("--task", choices=sorted(TASKS), default="classify")
    ap.add_argument("--by-type", action="store_true", help="also print each sub-score (caption: one/two objects; "
                    "ask: each question type)")
    a = ap.parse_args()
    mm = os.environ.get("MM", "mm")
    os.makedirs(a.data, exist_ok=True)
    sets = build(a.data)
    if a.only:
        sets = {k: v for k, v in sets.items() if k in a.only.split(",")}
    models = [m.split("=", 1) for m in a.model]
    out_path = os.path.join(a.data, "results.json")
    results = json.load(open(out_path)) if os.path.exists(out_path) else {}
    score = TASKS[a.task]
    print(f"{a.task}: {'set':28s}" + "".join(f"{n:>18s}" for n, _ in models), flush=True)
    for name, sub in sets.items():
        per_model = [score(mm, os.path.abspath(d), os.path.join(a.data, sub)) for _, d in models]
        if not per_model[0]:
            continue  # nothing this task scores (classify on a two-object set)
        for (n, _), got in zip(models, per_model):
            results.setdefault(a.task, {}).setdefault(n, {})[name] = got
        for key in per_model[0] if a.by_type else ["all"]:
            label = name if key == "all" else f"{name}/{key}"
            row = f"{' ' * (len(a.task) + 2)}{label:28s}"
            for got in per_model:
                ok, total = got.get(key, [0, 0])
                row += f"{100.0 * ok / max(total, 1):10.1f}% {ok:3d}/{total:<3d}"
            print(row, flush=True)
    with open(out_path, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())

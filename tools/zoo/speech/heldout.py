"""Refreshes the held-out proof fixture (tests/fixtures/speech/heldout-9090.json) for a new model: the
PyTorch reference summary and per-clip outputs from eval.py on the seed-9090 set, and the SHA-256 of
every generated file (the C# tests regenerate the set and refuse to go on if a hash differs).

  P=/usr/bin/python3; D=.zoo-data/heldout-9090
  $P tools/zoo/speech.py --seed 9090 --count 120 --out $D/short   # and --count 30 --nospeech --out $D/nospeech,
                                                                  # --count 4 --long --out $D/long,
                                                                  # --count 4 --long --speech-gaps --out $D/long-gaps
  $P tools/zoo/speech/eval.py --backend torch --data $D --ckpt CKPT --out /tmp/h.json
  $P tools/zoo/speech/heldout.py --eval /tmp/h.json --data $D --ckpt CKPT
"""
import argparse
import hashlib
import json
import os

FIXTURE = "tests/fixtures/speech/heldout-9090.json"
# long-gaps: the long files' utterances with every pause measured speech to speech (--speech-gaps); the C# tests check
# the SDK's timing on them against a floor, eval.py's summary covers short/, nospeech/ and long/
PARTS = {"short": "--count 120", "nospeech": "--count 30 --nospeech", "long": "--count 4 --long",
         "long-gaps": "--count 4 --long --speech-gaps"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval", required=True, help="eval.py --backend torch output on the seed-9090 set")
    ap.add_argument("--data", required=True, help="the seed-9090 set (short/, nospeech/, long/, long-gaps/)")
    ap.add_argument("--ckpt", required=True, help="the checkpoint eval.py ran (named in reference_command)")
    ap.add_argument("--fixture", default=FIXTURE)
    a = ap.parse_args()
    with open(a.fixture, encoding="utf-8") as f:
        fx = json.load(f)
    with open(a.eval, encoding="utf-8") as f:
        ev = json.load(f)
    files = []
    for part in PARTS:
        for name in sorted(os.listdir(os.path.join(a.data, part))):
            with open(os.path.join(a.data, part, name), "rb") as f:
                files.append({"path": f"{part}/{name}", "sha256": hashlib.sha256(f.read()).hexdigest()})
    fx["reference_command"] = (f"/usr/bin/python3 tools/zoo/speech/eval.py --backend torch --data DIR --ckpt {a.ckpt} "
                               "--model-dir models/tiny-whisper --out torch.json (torch 1.13 CPU, one thread)")
    fx["generate"] = [f"/usr/bin/python3 tools/zoo/speech.py --seed 9090 {args} --out DIR/{part}" for part, args in PARTS.items()]
    fx["pytorch"] = ev["summary"]
    fx["files"] = files
    fx["pytorch_clips"] = [{k: v for k, v in c.items() if k != "nospeech_top"} for c in ev["clips"]]
    with open(a.fixture, "w", encoding="utf-8") as f:
        json.dump(fx, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{a.fixture}: {len(files)} files, {len(fx['pytorch_clips'])} clips, {json.dumps(ev['summary'])}")


if __name__ == "__main__":
    main()

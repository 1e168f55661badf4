#!/usr/bin/env bash
# Writes tests/Multimodal.Sdk.Speech.Tests/Parity/transformersjs-transcripts.json: transformers.js transcripts of
# held-out speech-world clips (seed 7070: 100 clips + 5 no-speech clips) with each clip's SHA-256, which the SDK's
# TransformersJsParityTests regenerate and compare against, and the SHA-256 of every graph of models/tiny-whisper it
# was made with (the test refuses a fixture made with another model: rerun this script after retraining).
# Needs: /usr/bin/python3 with numpy, espeak-ng, sox, node + tools/zoo/node_modules (or ZOO_NODE_MODULES=...).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/speech-parity.XXXXXX)
OUT=tests/Multimodal.Sdk.Speech.Tests/Parity/transformersjs-transcripts.json
# The commands the test replays (OUT = its cache folder); keep them in this one place.
COMMANDS='[["tools/zoo/speech.py","--seed","7070","--count","100","--out","OUT/short"],
           ["tools/zoo/speech.py","--seed","7070","--count","5","--nospeech","--out","OUT/nospeech"]]'
"$PY" - "$WORK" "$COMMANDS" <<'PYEOF'
import json, subprocess, sys
for cmd in json.loads(sys.argv[2]):
    subprocess.run(["/usr/bin/python3"] + [a.replace("OUT", sys.argv[1]) for a in cmd], check=True)
PYEOF
node tools/bench/speech_transformersjs.mjs parity models/tiny-whisper 1 "$WORK/raw.json" "$WORK/short" "$WORK/nospeech"
"$PY" - "$WORK/raw.json" "$OUT" "$COMMANDS" <<'PYEOF'
import glob, hashlib, json, os, subprocess, sys
import numpy as np
raw = json.load(open(sys.argv[1], encoding="utf-8"))
commands = json.loads(sys.argv[3])
espeak = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.split("Data")[0].strip()
sox = subprocess.run(["sox", "--version"], capture_output=True, text=True).stdout.strip().split(":", 1)[-1].strip()
debian = open("/etc/debian_version").read().strip()
key = hashlib.sha256(json.dumps([commands, [c["sha256"] for c in raw["clips"]]]).encode()).hexdigest()[:16]
fixture = {
    "what": raw["what"],
    "written_by": "tools/bench/speech_parity.sh",
    "generator": {"key": key, "commands": commands,
                  "tools": f"{espeak}, {sox}, numpy {np.__version__}, Debian {debian}"},
    "model": {"folder": "models/tiny-whisper",
              "graphs": {os.path.basename(g): hashlib.sha256(open(g, "rb").read()).hexdigest()
                         for g in sorted(glob.glob("models/tiny-whisper/onnx/*.onnx"))}},
    **{k: v for k, v in raw.items() if k not in ("what", "generate")},
}
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(fixture, f, ensure_ascii=False, indent=1)
    f.write("\n")
print(f"wrote {sys.argv[2]}: {len(raw['clips'])} clips, {raw['equal_to_reference']} equal to the reference text")
PYEOF
rm -rf "$WORK"

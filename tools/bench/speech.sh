#!/usr/bin/env bash
# Speech performance of the SDK against transformers.js and numpy, in one run (issue 6, Performance):
#   1. real-time factor of 60 s and 10 min of speech-world audio: .NET (public ISpeechRecognizer) vs transformers.js
#   2. Whisper log-mel of 30 s: .NET WhisperFeatureExtractor (BenchmarkDotNet) vs numpy vs transformers.js
#   3. managed heap and working set over N sequential transcriptions
# Usage: tools/bench/speech.sh [--threads N] [--repeat R] [--memory-count N] [--memory-seconds S] [--skip-long]
#                              [--only rtf,features,memory] [--work DIR]   (--work reuses that folder's audio)
# Needs: /usr/bin/python3 with numpy, espeak-ng, sox, node + tools/zoo/node_modules (npm ci --prefix tools/zoo,
# or ZOO_NODE_MODULES=...), the .NET SDK. Results: printed, $WORK/results.jsonl and $WORK/summary.txt.
# --memory-seconds picks the memory file: 30, 60 or 600. Numbers and how to read them: docs/bench/speech.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
THREADS=1 REPEAT=3 MEM_COUNT=100 MEM_SECONDS=30 SKIP_LONG=0 WORK="" ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) THREADS=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --memory-count) MEM_COUNT=$2; shift 2 ;;
    --memory-seconds) MEM_SECONDS=$2; shift 2 ;;
    --skip-long) SKIP_LONG=1; shift ;;
    --work) WORK=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
WORK=${WORK:-$(mktemp -d /tmp/speech-bench.XXXXXX)}
mkdir -p "$WORK"
LOG="$WORK/results.jsonl"
: > "$LOG"
want() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }
load() { echo "{\"phase\": \"$1\", \"uptime\": \"$(uptime | sed 's/.*load average: //')\", \"utc\": \"$(date -u +%H:%M:%S)\"}" | tee -a "$LOG"; }
load start

# --- audio: English long-form files of the speech world (fixed seed), joined with sox and cut to 60 s and 600 s.
if [ ! -f "$WORK/speech_600s.wav" ]; then
  "$PY" tools/zoo/speech.py --seed 9191 --count 16 --long --out "$WORK/long"
  "$PY" - "$WORK" <<'PYEOF'
import json, os, subprocess, sys, wave
work = sys.argv[1]
labels = [json.loads(l) for l in open(os.path.join(work, "long", "labels.jsonl"), encoding="utf-8")]
files, refs, offset = [], [], 0.0
for lab in labels:
    if lab["language"] != "en":
        continue
    path = os.path.join(work, "long", lab["file"])
    with wave.open(path) as w:
        seconds = w.getnframes() / w.getframerate()
    files.append(path)
    refs += [{"start": offset + s["start"], "end": offset + s["end"], "text": s["text"]} for s in lab["segments"]]
    offset += seconds
if offset < 600:
    sys.exit(f"only {offset:.0f} s of English long-form audio; raise --count in tools/bench/speech.sh")
subprocess.run(["sox"] + files + [os.path.join(work, "all.wav")], check=True)
for s in (30, 60, 600):
    subprocess.run(["sox", os.path.join(work, "all.wav"), os.path.join(work, f"speech_{s}s.wav"), "trim", "0", str(s)], check=True)
    # The reference words: utterances that end inside the cut.
    json.dump({"seconds": s, "text": " ".join(r["text"] for r in refs if r["end"] <= s)}, open(os.path.join(work, f"speech_{s}s.ref.json"), "w"))
PYEOF
fi

# --- build the .NET side (tools/bench/speech/SpeechBench.csproj, public API only)
dotnet build tools/bench/speech -c Release -v q -nologo > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
NET="dotnet tools/bench/speech/bin/Release/net10.0/SpeechBench.dll"
JS="node tools/bench/speech_transformersjs.mjs"

# --- 1. real-time factor, alternating sides so load drift hits both
if want rtf; then
load rtf-60s
$NET rtf --threads "$THREADS" --repeat "$REPEAT" "$WORK/speech_60s.wav" | tee -a "$LOG"
$JS rtf models/tiny-whisper "$THREADS" "$REPEAT" "$WORK/speech_60s.wav" | tee -a "$LOG"
if [ "$SKIP_LONG" = 0 ]; then
  load rtf-600s
  $NET rtf --threads "$THREADS" --repeat 1 "$WORK/speech_600s.wav" | tee -a "$LOG"
  $JS rtf models/tiny-whisper "$THREADS" 1 "$WORK/speech_600s.wav" | tee -a "$LOG"
fi
fi

# --- 2. features for 30 s: BenchmarkDotNet (in-process: 3 warm-ups, 10 iterations) for .NET, then numpy and transformers.js
if want features; then
load features
dotnet run -c Release --project benchmarks/Multimodal.Sdk.Benchmarks -- --filter '*WhisperFeature*' --inProcess \
  --artifacts "$WORK/bdn" > "$WORK/bdn.log" 2>&1 || { tail -50 "$WORK/bdn.log"; exit 1; }
"$PY" - "$WORK/bdn" <<'PYEOF' | tee -a "$LOG"
import glob, html, json, re, sys
report = glob.glob(f"{sys.argv[1]}/results/*WhisperFeatureBenchmarks-report-github.md")[0]
rows = [[html.unescape(c).strip() for c in l.strip().strip("|").split("|")] for l in open(report, encoding="utf-8") if l.startswith("|")]
header = rows[0]
units = {"ns": 1e-6, "μs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1e3}
for cells in rows[2:]:
    mean = cells[header.index("Mean")]
    if not re.match(r"[\d,.]+ \S+$", mean):
        continue
    value, unit = mean.split()
    print(json.dumps({"side": "dotnet", "what": "features 30 s", "method": cells[header.index("Method")].strip("'"),
                      "mean_ms": float(value.replace(",", "")) * units[unit], "stddev": cells[header.index("StdDev")],
                      "allocated": cells[header.index("Allocated")]}))
PYEOF
"$PY" - <<'PYEOF' | tee -a "$LOG"
import json, sys, time
import numpy as np
sys.path.insert(0, "tools/zoo/speech")
from features import log_mel
# The signal of WhisperFeatureBenchmarks: a 220 Hz tone plus uniform noise, 30 s at 16 kHz.
n = np.arange(480000)
x = (0.3 * np.sin(2 * np.pi * 220 * n / 16000) + 0.05 * (np.random.default_rng(1).random(480000) - 0.5)).astype(np.float32)
log_mel(x, n_samples=480000)
times = []
for _ in range(10):
    t0 = time.perf_counter()
    log_mel(x, n_samples=480000)
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(json.dumps({"side": "numpy", "version": np.__version__, "what": "features 30 s", "runs_ms": times, "median_ms": times[5], "min_ms": times[0]}))
PYEOF
$JS features 10 | tee -a "$LOG"
fi

# --- 3. memory over sequential transcriptions
if want memory; then
load memory
$NET memory --threads "$THREADS" --count "$MEM_COUNT" "$WORK/speech_${MEM_SECONDS}s.wav" > "$WORK/memory.jsonl"
tail -1 "$WORK/memory.jsonl" | tee -a "$LOG"
fi
load end

# --- summary: ratios from this run only
"$PY" - "$WORK" <<'PYEOF' | tee "$WORK/summary.txt"
import json, os, sys
sys.path.insert(0, "tools/zoo/speech")
from metrics import wer_counts  # torch-free, the zoo's own WER
work = sys.argv[1]
rows = [json.loads(l) for l in open(os.path.join(work, "results.jsonl"))]
def wer(ref, hyp):
    e, n = wer_counts(ref, hyp)
    return e / max(1, n)
print("loads:", "; ".join(f"{r['phase']} {r['utc']} [{r['uptime']}]" for r in rows if "phase" in r))
if any("rtf" in r for r in rows):
    print("\nreal-time factor (median of runs; lower is faster)")
    print(f"{'audio':>8} {'.NET s':>8} {'.NET RTF':>9} {'tjs s':>8} {'tjs RTF':>9} {'tjs/.NET':>9} {'WER .NET':>9} {'WER tjs':>8} {'WER .NET vs tjs':>16}")
for f in sorted({r["file"] for r in rows if "rtf" in r}, key=lambda f: int(f.split("_")[1].rstrip("s.wav"))):
    net = next(r for r in rows if r.get("file") == f and r["side"] == "dotnet" and "rtf" in r)
    tjs = next((r for r in rows if r.get("file") == f and r["side"] == "transformers.js" and "rtf" in r), None)
    ref = json.load(open(os.path.join(work, f.replace(".wav", ".ref.json"))))["text"]
    if tjs is None:
        continue
    print(f"{net['audio_s']:>7.0f}s {net['median_s']:>8.2f} {net['rtf']:>9.4f} {tjs['median_s']:>8.2f} {tjs['rtf']:>9.4f} {tjs['rtf'] / net['rtf']:>8.2f}x"
          f" {wer(ref, net['text']):>9.3f} {wer(ref, tjs['text']):>8.3f} {wer(tjs['text'], net['text']):>16.3f}")
feats = sorted((r for r in rows if r.get("what") == "features 30 s"), key=lambda r: r["side"] != "dotnet")
npy = next((r for r in feats if r["side"] == "numpy"), None)
if npy:
    print("\nWhisper log-mel, 30 s (80 x 3000)")
tjs = next((r for r in feats if r["side"] == "transformers.js"), None)
for r in feats if npy else []:
    ms = r.get("mean_ms", r.get("median_ms"))
    name = r.get("method", r["side"])
    line = f"  {name:<55} {ms:8.1f} ms   numpy/this {npy['median_ms'] / ms:5.2f}x"
    if tjs:
        line += f"   transformers.js/this {tjs['median_ms'] / ms:5.2f}x"
    print(line)
mem = next((r for r in rows if r.get("summary")), None)
if mem is None:
    sys.exit(0)
mb = 1 / 2**20
print(f"\nmemory over {mem['count']} transcriptions of {mem['file']} ({mem['audio_s']:.0f} s; same text {mem['same_text']}/{mem['count']}):")
print(f"  managed heap after full GC: first {mem['heap_first'] * mb:.2f} MB, last {mem['heap_last'] * mb:.2f} MB, max {mem['heap_max'] * mb:.2f} MB,"
      f" slope {mem['heap_slope_bytes_per_call_all'] / 1024:.2f} KB/call (all), {mem['heap_slope_bytes_per_call_second_half'] / 1024:.2f} KB/call (second half)")
print(f"  working set: first {mem['working_set_first'] * mb:.1f} MB, last {mem['working_set_last'] * mb:.1f} MB, max {mem['working_set_max'] * mb:.1f} MB,"
      f" slope {mem['working_set_slope_bytes_per_call_all'] / 1024:.1f} KB/call (all), {mem['working_set_slope_bytes_per_call_second_half'] / 1024:.1f} KB/call (second half)")
PYEOF
echo "work folder: $WORK"

#!/usr/bin/env bash
# `mm` batch commands as whole processes, against the library's own benchmark and transformers.js, in one run.
#
#   tools/bench/mm.sh [--images DIR] [--count N] [--out DIR] [--no-build] [--no-library] [--mm-build]
#
# mm is timed as it ships: published for this machine's runtime (`dotnet publish -r linux-x64`, ReadyToRun) into
# artifacts/mm-publish; --mm-build times the plain `dotnet build` output instead (JIT-compiled at start-up).
#
# Makes N (default 1072) shapes-world images with tools/zoo/shapes.py (seed 2027; the first 201 are
# tests/fixtures/Vision/shapes-s2027) unless DIR already holds them, then times, each as a fresh process:
#   mm classify (40 labels, --template 'a photo of a {}'), mm caption, mm embed, mm ask (one question),
#   each on 1 image (start-up + model load) and on all N (whole process);
#   node tools/bench/mm_transformersjs.mjs classify|caption on all N (transformers.js pipelines, whole process);
#   the library benchmark (benchmarks/Multimodal.Sdk.Benchmarks vision-e2e, one round, same images).
# Prints per command: mm's whole-process rate, its steady rate ((N-1) / (t_N - t_1): start-up and load taken out),
# the library benchmark's rate and the ratio steady / library (target >= 0.85), and mm / transformers.js as whole
# processes (target >= 3), by wall time and by CPU time (user + sys; the fairer one on a shared machine). Needs the .NET SDK, Node with tools/zoo/node_modules, /usr/bin/python3 with Pillow + numpy.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
count=1072
images=""
out=""
build=1
library=1
mmbuild=0
while [ $# -gt 0 ]; do
  case "$1" in
    --images) images="$2"; shift 2 ;;
    --count) count="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-library) library=0; shift ;;
    --mm-build) mmbuild=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$images" ] || images="${TMPDIR:-/tmp}/mm-bench-shapes-s2027-$count"
[ -n "$out" ] || out="$(mktemp -d)"
mkdir -p "$out"
cd "$root"
if [ "$(find "$images" -maxdepth 1 \( -name '*.png' -o -name '*.jpg' \) 2>/dev/null | wc -l)" -lt "$count" ]; then
  echo "making $count images in $images" >&2
  /usr/bin/python3 tools/zoo/shapes.py --seed 2027 --count "$count" --out "$images" >&2
fi
rid="linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')"
if [ "$build" = 1 ]; then
  if [ "$mmbuild" = 1 ]; then
    dotnet build samples/Multimodal.Cli -c Release -v q -nologo >&2
  else
    dotnet publish samples/Multimodal.Cli -c Release -r "$rid" --self-contained false -o artifacts/mm-publish -v q -nologo >&2
  fi
  dotnet build benchmarks/Multimodal.Sdk.Benchmarks -c Release -v q -nologo >&2
fi
mm="$root/artifacts/mm-publish/mm.dll"
[ "$mmbuild" = 0 ] || mm="$root/samples/Multimodal.Cli/bin/Release/net10.0/mm.dll"
echo "mm: $mm" >&2
one="$(find "$images" -maxdepth 1 \( -name '*.png' -o -name '*.jpg' \) | sort | head -1)"
/usr/bin/python3 -c "print('\n'.join(f'{c} {s}' for c in ['red','green','blue','yellow','purple','orange','white','black'] for s in ['circle','square','triangle','star','cross']))" > "$out/labels.txt"

# seconds NAME COMMAND...: runs COMMAND with stdout to $out/NAME.out and appends "NAME wall user sys" (seconds) to
# $out/times.txt. CPU time (user + sys) is the cost that a busy machine does not distort much: under load the
# scheduler shares the cores per thread, so wall time favours whichever process runs more threads.
seconds() {
  local name="$1"; shift
  local TIMEFORMAT="%R %U %S"
  { time "$@" > "$out/$name.out" 2> "$out/$name.err"; } 2> "$out/$name.time"
  echo "$name $(tail -1 "$out/$name.time")" | tee -a "$out/times.txt" >&2
}

: > "$out/times.txt"
echo "load before: $(uptime)" | tee "$out/load.txt" >&2
classify=(classify --labels-file "$out/labels.txt" --template 'a photo of a {}' --json)
ask=(ask --question 'how many shapes are there?' --json)
# one warm-up process each, so the first timed one does not pay for a cold disk cache
dotnet "$mm" classify --image "$one" --labels-file "$out/labels.txt" --json > /dev/null
node tools/bench/mm_transformersjs.mjs classify "$(dirname "$one")" > /dev/null 2>&1 || true
# Interleaved, so a change in the machine's load hits both sides alike.
seconds mm_classify_1 dotnet "$mm" "${classify[@]}" --image "$one"
seconds mm_classify_n dotnet "$mm" "${classify[@]}" --image "$images"
seconds js_classify_n node tools/bench/mm_transformersjs.mjs classify "$images"
seconds mm_caption_1 dotnet "$mm" caption --json --image "$one"
seconds mm_caption_n dotnet "$mm" caption --json --image "$images"
seconds js_caption_n node tools/bench/mm_transformersjs.mjs caption "$images"
seconds mm_embed_1 dotnet "$mm" embed --json --image "$one"
seconds mm_embed_n dotnet "$mm" embed --json --image "$images"
seconds mm_ask_1 dotnet "$mm" "${ask[@]}" --image "$one"
seconds mm_ask_n dotnet "$mm" "${ask[@]}" --image "$images"
echo "load between: $(uptime)" | tee -a "$out/load.txt" >&2
# --no-library skips this part (on a loaded 2-core machine it takes many minutes): no library column then.
if [ "$library" = 1 ]; then
  dotnet run -c Release --no-build --project benchmarks/Multimodal.Sdk.Benchmarks -- vision-e2e \
    --images "$images" --count "$count" --rounds 1 > "$out/library.json"
else
  echo '{}' > "$out/library.json"
fi
echo "load after: $(uptime)" | tee -a "$out/load.txt" >&2

/usr/bin/python3 - "$out" "$count" "$(nproc)" <<'PY'
import json, os, sys
out, n, cores = sys.argv[1], int(sys.argv[2]), sys.argv[3]
t, cpu = {}, {}
for line in open(os.path.join(out, "times.txt")):
    name, wall, user, sys_ = line.split()
    t[name], cpu[name] = float(wall), float(user) + float(sys_)
lib = json.load(open(os.path.join(out, "library.json")))
library = {"classify": lib.get("zero_shot_batch32_images_per_s"), "caption": lib.get("caption_batch16_captions_per_s"),
           "embed": lib.get("zero_shot_batch32_images_per_s"), "ask": None}
print(f"{n} images, {cores} cores; seconds per process in {out}/times.txt; machine load in {out}/load.txt")
f = lambda x, d=1: f"{x:.{d}f}" if x is not None else "-"
print("wall time (images/s):")
print(f"{'command':10} {'mm whole':>10} {'mm steady':>10} {'library':>10} {'steady/lib':>11} {'t.js whole':>11} {'mm/t.js':>8}")
for cmd in ["classify", "caption", "embed", "ask"]:
    whole = n / t[f"mm_{cmd}_n"]
    steady = (n - 1) / max(1e-9, t[f"mm_{cmd}_n"] - t[f"mm_{cmd}_1"])
    lib_rate = library[cmd]
    js = n / t[f"js_{cmd}_n"] if f"js_{cmd}_n" in t else None
    print(f"{cmd:10} {f(whole):>10} {f(steady):>10} {f(lib_rate):>10} {f(steady / lib_rate if lib_rate else None, 2):>11} {f(js):>11} {f(whole / js if js else None, 2):>8}")
print("CPU time, user + sys (images per CPU-second):")
print(f"{'command':10} {'mm whole':>10} {'mm steady':>10} {'t.js whole':>11} {'mm/t.js':>8}")
for cmd in ["classify", "caption", "embed", "ask"]:
    whole = n / cpu[f"mm_{cmd}_n"]
    steady = (n - 1) / max(1e-9, cpu[f"mm_{cmd}_n"] - cpu[f"mm_{cmd}_1"])
    js = n / cpu[f"js_{cmd}_n"] if f"js_{cmd}_n" in cpu else None
    print(f"{cmd:10} {f(whole):>10} {f(steady):>10} {f(js):>11} {f(whole / js if js else None, 2):>8}")
print("embed's library number is zero-shot at batch 32 (the same image tower); ask has no batched library call or benchmark.")
# The same top-1 label as the library's own call on every image (same model, same preprocessing)?
rows = json.load(open(os.path.join(out, "mm_classify_n.out")))["results"]
mine = {os.path.basename(r["image"]): r["labels"][0]["label"] for r in rows if "labels" in r}
if "zero_shot_predictions" in lib:
    theirs = {f: p for f, p in lib["zero_shot_predictions"]}
    print(f"mm classify top-1 = library top-1 on {sum(mine.get(f) == p for f, p in theirs.items())}/{len(theirs)} images")
PY
echo "raw results: $out" >&2

#!/usr/bin/env bash
# Video numbers of docs/bench/video.md, in one run:
#   1. frames decoded + sampled per second by FfmpegVideoDecoder vs plain ffmpeg extracting the same frames (ratio);
#   2. end-to-end seconds per minute of video for describe and ask (bundled tiny models);
#   3. peak memory streaming every frame of a generated two-hour file, then CLIP every 10 s over it.
# Usage: tools/bench/video.sh [--work DIR] [--repeat R] [--only decode|e2e|memory]. Generated files go to DIR (not committed). Needs ffmpeg, the .NET SDK.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK="" REPEAT=3 ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --work) WORK=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
WORK=${WORK:-$(mktemp -d /tmp/video-bench.XXXXXX)}
mkdir -p "$WORK"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
# 60 s of 320x240 at 30 fps (H.264): the decode comparison and the end-to-end minute.
[ -f "$WORK/minute.mp4" ] || ff -f lavfi -i testsrc2=size=320x240:rate=30:duration=60 -pix_fmt yuv420p "$WORK/minute.mp4"
# Two hours at 64x48, 1 fps, with a tone: cheap to make on a busy 2-core machine (7,200 frames; memory does not depend on the count).
[ -n "$ONLY" ] && [ "$ONLY" != memory ] || [ -f "$WORK/two-hours.mp4" ] || ff -f lavfi -i testsrc2=size=64x48:rate=1:duration=7200 -f lavfi -i sine=frequency=440:sample_rate=16000:duration=7200 \
  -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -ac 1 -shortest "$WORK/two-hours.mp4"
dotnet build tools/bench/video-bench -c Release -o "$WORK/bin" >/dev/null
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
run() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }
if run decode; then dotnet "$WORK/bin/VideoBench.dll" decode "$WORK/minute.mp4" 32 "$REPEAT"; fi
if run e2e; then dotnet "$WORK/bin/VideoBench.dll" e2e "$WORK/minute.mp4" models; fi
if run memory; then
  /usr/bin/time -v dotnet "$WORK/bin/VideoBench.dll" memory "$WORK/two-hours.mp4" models 2> "$WORK/time.txt"
  grep -E "Maximum resident|Elapsed" "$WORK/time.txt"
fi
echo "machine load after: $(cut -d' ' -f1-3 /proc/loadavg)"

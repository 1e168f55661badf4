#!/usr/bin/env bash
# Soak (issue 22): TOTAL mixed requests (image and text embeddings, /classify, /caption) at CONCURRENCY clients against
# samples/Multimodal.Server (batching on, bounded queues), bounded in count and in time. Passes when every answer is 2xx
# or one of the configured back-pressure statuses (429, 503) and the server's working set (VmRSS, sampled every second)
# is flat over the second half: its least-squares slope is printed and must stay under MAX_SLOPE_MB_PER_MIN (default 20).
#   tools/bench/soak.sh [total, default 10000] [concurrency, default 64]
# CI runs a reduced version through tests/Multimodal.Sdk.Server.Tests (ProductionServingTests) instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
total=${1:-10000}
concurrency=${2:-64}
max_slope=${MAX_SLOPE_MB_PER_MIN:-20}
[ -d tools/load/node_modules/autocannon ] || { echo "tools/load/node_modules is missing: run tools/fetch-test-assets.sh (or npm ci --prefix tools/load)" >&2; exit 1; }
dotnet build samples/Multimodal.Server -c Release -v q -nologo >/dev/null
dll=samples/Multimodal.Server/bin/Release/net10.0/Multimodal.Server.dll
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dotnet "$dll" --urls "http://127.0.0.1:$port" --Server:MaxConcurrentRequests=64 --Server:MaxQueuedRequests=64 \
  --Search:ImagesFolder=- --Logging:LogLevel:Default=Warning >/tmp/mm-soak-server.log 2>&1 &
server=$!
sampler=""
trap 'kill $server ${sampler:-} 2>/dev/null || true' EXIT
for i in $(seq 1 240); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done

rss=/tmp/mm-soak-rss.txt; : > "$rss"
( while kill -0 $server 2>/dev/null; do awk '/VmRSS/ {print $2}' /proc/$server/status >> "$rss"; sleep 1; done ) &
sampler=$!
echo "machine: $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s)
result=$(timeout 1800 node tools/load/bench.mjs soak "http://127.0.0.1:$port" samples/Multimodal.Cli/assets/large-blue-square.png "$total" "$concurrency")
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); $(( $(date +%s) - start )) s"
kill $sampler 2>/dev/null || true
echo "$result"
echo "$result" | RSS="$rss" MAX_SLOPE="$max_slope" node -e '
const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
const rss = require("fs").readFileSync(process.env.RSS, "utf8").trim().split("\n").map(Number).map(k => k / 1024);
const bad = Object.entries(r.statuses).filter(([s]) => !(s.startsWith("2") || s === "429" || s === "503"));
const half = rss.slice(Math.floor(rss.length / 2));
const n = half.length, xs = half.map((_, i) => i / 60), mx = xs.reduce((a, b) => a + b, 0) / n, my = half.reduce((a, b) => a + b, 0) / n;
const slope = xs.reduce((a, x, i) => a + (x - mx) * (half[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
console.log(`requests ${r.total} in ${r.seconds} s (${r.rps}/s), statuses ${JSON.stringify(r.statuses)}, errors ${r.errors}, timeouts ${r.timeouts}`);
console.log(`latency p50 ${r.p50} ms, p95 ${r.p95} ms, p99 ${r.p99} ms`);
console.log(`working set: first ${rss[0].toFixed(0)} MB, peak ${Math.max(...rss).toFixed(0)} MB; second half ${Math.min(...half).toFixed(0)}..${Math.max(...half).toFixed(0)} MB over ${n} s, slope ${slope.toFixed(2)} MB/min`);
const ok = bad.length === 0 && r.errors === 0 && r.timeouts === 0 && Math.abs(slope) < Number(process.env.MAX_SLOPE);
console.log(ok ? "soak: PASS" : `soak: FAIL (unexpected statuses ${JSON.stringify(bad)}, slope limit ${process.env.MAX_SLOPE} MB/min)`);
process.exit(ok ? 0 : 1);'

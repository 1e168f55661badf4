#!/usr/bin/env bash
# Soak (issue 22): ROUNDS rounds of TOTAL mixed requests (image and text embeddings, /classify, /caption) at
# CONCURRENCY clients against one samples/Multimodal.Server (batching on, bounded queues), bounded in count and in time.
# Passes when every answer is 2xx or one of the configured back-pressure statuses (429, 503) and the server's working
# set (VmRSS) is flat over the second half of the requests: the script prints, and gates on, the least-squares slope of
# the working set against the number of requests served (KB per request, from the VmRSS sampled at the end of every
# round over the second half of the rounds; limit MAX_KB_PER_REQUEST, default 1) beside the slope against time over
# the second half of the run (MB/min, sampled every second; limit MAX_SLOPE_MB_PER_MIN, default 20).
#   tools/bench/soak.sh [total per round, default 10000] [concurrency, default 64] [rounds, default 4]
# CI runs a reduced version through tests/Multimodal.Sdk.Server.Tests (ProductionServingTests) instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
total=${1:-10000}
concurrency=${2:-64}
rounds=${3:-4}
max_slope=${MAX_SLOPE_MB_PER_MIN:-20}
max_kb=${MAX_KB_PER_REQUEST:-1}
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
results=/tmp/mm-soak-rounds.jsonl; : > "$results"
for round in $(seq 1 "$rounds"); do
  r=$(timeout 1800 node tools/load/bench.mjs soak "http://127.0.0.1:$port" samples/Multimodal.Cli/assets/large-blue-square.png "$total" "$concurrency")
  kb=$(awk '/VmRSS/ {print $2}' /proc/$server/status)
  echo "$r" | node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(JSON.stringify({ ...r, round: +process.argv[1], rssKb: +process.argv[2] }));' "$round" "$kb" | tee -a "$results"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); $(( $(date +%s) - start )) s"
kill $sampler 2>/dev/null || true
RSS="$rss" MAX_SLOPE="$max_slope" MAX_KB="$max_kb" node -e '
const fs = require("fs");
const rounds = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
const rss = fs.readFileSync(process.env.RSS, "utf8").trim().split("\n").map(Number).map(k => k / 1024);
const fit = (xs, ys) => {
  const n = xs.length, mx = xs.reduce((a, b) => a + b, 0) / n, my = ys.reduce((a, b) => a + b, 0) / n;
  return xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
};
let served = 0, bad = [], errors = 0;
for (const r of rounds) {
  served += r.total;
  r.served = served;
  errors += r.errors + r.timeouts;
  bad.push(...Object.entries(r.statuses).filter(([s]) => !(s.startsWith("2") || s === "429" || s === "503")));
  console.log(`round ${r.round}: ${r.total} requests in ${r.seconds} s (${r.rps}/s), statuses ${JSON.stringify(r.statuses)}, errors ${r.errors + r.timeouts}, p50 ${r.p50} ms, p99 ${r.p99} ms; working set after it ${(r.rssKb / 1024).toFixed(1)} MB`);
}
// Per request: end-of-round working sets of the second half of the rounds (at least two) against requests served.
const late = rounds.slice(Math.min(Math.floor(rounds.length / 2), rounds.length - 2));
const perRequest = late.length >= 2 ? fit(late.map(r => r.served), late.map(r => r.rssKb)) : NaN;
const half = rss.slice(Math.floor(rss.length / 2));
const perMinute = fit(half.map((_, i) => i / 60), half);
console.log(`working set: first ${rss[0].toFixed(0)} MB, peak ${Math.max(...rss).toFixed(0)} MB; second half ${Math.min(...half).toFixed(0)}..${Math.max(...half).toFixed(0)} MB over ${half.length} s, slope ${perMinute.toFixed(2)} MB/min`);
const rate = rounds.reduce((a, r) => a + r.total, 0) / rounds.reduce((a, r) => a + r.seconds, 0) * 60;
console.log(`working set per request: end-of-round fit over rounds ${late.map(r => r.round).join(", ")} (${late[late.length - 1].served - late[0].served} requests) ${perRequest.toFixed(3)} KB/request; second-half time slope / request rate (${rate.toFixed(0)}/min) ${(perMinute * 1024 / rate).toFixed(3)} KB/request`);
const ok = bad.length === 0 && errors === 0 && Math.abs(perMinute) < Number(process.env.MAX_SLOPE) && (Number.isNaN(perRequest) || Math.abs(perRequest) < Number(process.env.MAX_KB));
console.log(ok ? "soak: PASS" : `soak: FAIL (unexpected statuses ${JSON.stringify(bad)}, errors ${errors}, limits ${process.env.MAX_SLOPE} MB/min and ${process.env.MAX_KB} KB/request)`);
process.exit(ok ? 0 : 1);' "$results"

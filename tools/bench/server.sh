#!/usr/bin/env bash
# Server throughput and latency with micro-batching on vs off, side by side in one run (issue 22):
# two instances of samples/Multimodal.Server on loopback (Serving:Batching=true / false, same limits otherwise), then
# autocannon (tools/load) POSTs one image to /v1/embeddings (tiny CLIP) at each client count, alternating the two
# instances per client count so a change in the machine's load hits both. Prints a markdown table and the load.
# Each point also gives the CPU the server process spent per request (user + system from /proc, so independent of how
# busy the machine is) and, from the server's /metrics, where a request's time went: server-side time, the pipeline
# call, mean batch size, queue wait and batch run.
#   tools/bench/server.sh [seconds per point, default 10] [client counts, default "1 8 32 128"]
# CLIP_MODEL=DIR serves another CLIP folder under the name the load generator asks for, e.g. the ViT-B/32-sized one
# from tools/bench/make_vit_b32_clip.py (WARMUP=5 lengthens the warm-up before each point, default 1 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
clients=${2:-"1 8 32 128"}
[ -d tools/load/node_modules/autocannon ] || { echo "tools/load/node_modules is missing: run tools/fetch-test-assets.sh (or npm ci --prefix tools/load)" >&2; exit 1; }
dotnet build samples/Multimodal.Server -c Release -v q -nologo >/dev/null
dll=samples/Multimodal.Server/bin/Release/net10.0/Multimodal.Server.dll
image=samples/Multimodal.Cli/assets/large-blue-square.png
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
if [ -n "${CLIP_MODEL:-}" ]; then BOTH_ARGS="--Models:Clip=$CLIP_MODEL --Server:EmbeddingModel=tiny-clip ${BOTH_ARGS:-}"; fi
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

start() { # batching port; ON_ARGS adds settings to the batching instance (e.g. --Serving:Clip:MaxBatchSize=32), BOTH_ARGS to both (e.g. --Models:Clip=DIR)
  local extra=""; [ "$1" = true ] && extra=${ON_ARGS:-}
  dotnet "$dll" --urls "http://127.0.0.1:$2" --Serving:Batching="$1" $extra ${BOTH_ARGS:-} --Server:MaxConcurrentRequests=256 --Server:MaxQueuedRequests=1024 \
    --Search:ImagesFolder=- --Logging:LogLevel:Default=Warning >"/tmp/mm-bench-server-$1.log" 2>&1 &
  pids+=($!)
}
on=$(free_port); off=$(free_port)
start true "$on"; export PID_ON=$!
start false "$off"; export PID_OFF=$!
for port in "$on" "$off"; do
  for i in $(seq 1 240); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); model: ${CLIP_MODEL:-models/tiny-clip}; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Each point is printed as it finishes (and kept in /tmp/mm-bench-server.jsonl).
node tools/load/bench.mjs sweep "http://127.0.0.1:$on" "http://127.0.0.1:$off" "$image" "$seconds" $clients | tee /tmp/mm-bench-server.jsonl
results=$(cat /tmp/mm-bench-server.jsonl)
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| clients | batching | req/s | p50 ms | p95 ms | p99 ms | non-2xx | errors | CPU ms/req | server ms | model call ms | batch | queue wait ms | batch run ms |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
echo "$results" | node -e '
const rows = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse);
const v = (x) => (x ?? "-");
for (const r of rows) console.log(`| ${r.clients} | ${r.label} | ${r.rps} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.non2xx} | ${r.errors + r.timeouts} | ${v(r.cpu_ms_per_request)} | ${v(r.server_ms)} | ${v(r.model_call_ms)} | ${v(r.batch_size)} | ${v(r.queue_wait_ms)} | ${v(r.batch_ms)} |`);
console.log();
for (const c of [...new Set(rows.map(r => r.clients))]) {
  const on = rows.find(r => r.clients === c && r.label === "on"), off = rows.find(r => r.clients === c && r.label === "off");
  const cpu = on.cpu_ms_per_request && off.cpu_ms_per_request ? `, CPU per request ${(on.cpu_ms_per_request / off.cpu_ms_per_request).toFixed(2)}x` : "";
  console.log(`${c} clients: batching on/off = ${(on.rps / off.rps).toFixed(2)}x req/s, p99 ${(on.p99 / off.p99).toFixed(2)}x${cpu}`);
}'

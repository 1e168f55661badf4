#!/usr/bin/env bash
# Runs the Dockerfile's build and start steps on this host, since no container engine runs here: the same publish
# command and output folder (/app/publish, under a scratch root), the same ENV, the same HEALTHCHECK command and the
# same ENTRYPOINT, read from the Dockerfile itself so the two cannot drift apart. Then it waits for the HEALTHCHECK to
# pass, probes /healthz and /readyz, sends one embeddings request, and stops the server.
#   tools/docker/host-run.sh            # exit 0 when the image's steps work
# Differences from a container, on purpose: paths under "/" are mapped under a scratch folder (ROOT), the listening port
# is a free one instead of 8080 (shared machines), and USER is not switched (the files are read-only to it anyway).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
dockerfile=${DOCKERFILE:-Dockerfile}
ROOT=$(mktemp -d)
port=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18080)}
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; rm -rf "$ROOT"; }
trap cleanup EXIT

# Joins continuation lines, drops comments.
lines() { sed -e 's/#.*$//' "$dockerfile" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta' | sed -e 's/[[:space:]]*$//' | grep -v '^$'; }
# A JSON array of strings (["a", "b c"]) as one argument per line.
json_args() { echo "$1" | sed -e 's/^[[:space:]]*\[//' -e 's/\][[:space:]]*$//' | sed -e 's/",[[:space:]]*"/"\n"/g' | sed -e 's/^[[:space:]]*"//' -e 's/"[[:space:]]*$//'; }
# Container paths under the scratch root; the build stage's /src is the repository.
map() { local p=$1; case "$p" in /src|/src/*) echo "$repo${p#/src}";; /*) echo "$ROOT$p";; *) echo "$p";; esac; }
map_words() { local out=() w; for w in $1; do case "$w" in /*) out+=("$(map "$w")");; *) out+=("$w");; esac; done; echo "${out[*]}"; }
ported() { echo "$1" | sed -e "s/:8080/:$port/g"; }

stage=""; workdir=""; healthcheck=(); entrypoint=(); env_vars=()
while IFS= read -r line; do
  instr=${line%% *}; rest=${line#* }
  case "${instr^^}" in
    FROM) stage=$(echo "$rest" | sed -n 's/.* [Aa][Ss] \(.*\)$/\1/p'); echo "host-run: stage $stage ($rest)";;
    WORKDIR) workdir=$(map "$rest"); mkdir -p "$workdir";;
    COPY)
      if [[ "$rest" == --from=* ]]; then
        set -- $rest; src=$(map "$2"); dst=$3; [[ "$dst" == /* ]] && dst=$(map "$dst") || dst="$workdir/$dst"
        echo "host-run: COPY $2 -> $dst"; mkdir -p "$dst"; cp -a "$src/." "$dst/"
      else
        echo "host-run: COPY $rest (the repository is the build context)"
      fi;;
    RUN)
      cmd=$(map_words "$rest"); echo "host-run: RUN $cmd"; (cd "$workdir" && eval "$cmd");;
    ENV)
      for kv in $rest; do env_vars+=("$(ported "$kv")"); done;;
    HEALTHCHECK)
      mapfile -t healthcheck < <(json_args "$(ported "${rest#*CMD }")");;
    ENTRYPOINT)
      mapfile -t entrypoint < <(json_args "$rest");;
    USER|EXPOSE|VOLUME|LABEL|ARG) echo "host-run: $instr $rest (not applied on the host)";;
    *) echo "host-run: unknown instruction $instr in $dockerfile" >&2; exit 2;;
  esac
done < <(lines)

[ ${#entrypoint[@]} -gt 0 ] || { echo "host-run: no ENTRYPOINT in $dockerfile" >&2; exit 2; }
[ ${#healthcheck[@]} -gt 0 ] || { echo "host-run: no HEALTHCHECK in $dockerfile" >&2; exit 2; }
echo "host-run: ENV ${env_vars[*]}"
echo "host-run: ENTRYPOINT ${entrypoint[*]} (in $workdir)"
log="$ROOT/server.log"
(cd "$workdir" && exec env "${env_vars[@]}" "${entrypoint[@]}") >"$log" 2>&1 &
server_pid=$!

base="http://127.0.0.1:$port"
for i in $(seq 1 120); do
  if (cd "$workdir" && env "${env_vars[@]}" "${healthcheck[@]}") >/dev/null 2>&1; then break; fi
  kill -0 "$server_pid" 2>/dev/null || { echo "host-run: the server exited:"; cat "$log"; exit 1; }
  sleep 1
done
(cd "$workdir" && env "${env_vars[@]}" "${healthcheck[@]}") || { echo "host-run: HEALTHCHECK failed:"; tail -20 "$log"; exit 1; }
echo "host-run: HEALTHCHECK ${healthcheck[*]} passed"

curl -fsS "$base/healthz" >/dev/null
for i in $(seq 1 180); do curl -fsS "$base/readyz" >/dev/null 2>&1 && break; sleep 1; done
curl -fsS "$base/readyz"; echo
out=$(curl -fsS "$base/v1/embeddings" -H 'Content-Type: application/json' -d '{"model":"tiny-clip","input":"a red circle"}')
echo "$out" | grep -q '"embedding"' || { echo "host-run: unexpected embeddings answer: $out"; exit 1; }
echo "host-run: POST /v1/embeddings answered ($(echo "$out" | head -c 80)...)"
# The structured (JSON) console logs that ENV asked for.
grep -q '"EventId"' "$log" || { echo "host-run: the server did not log JSON:"; head -5 "$log"; exit 1; }
echo "host-run: ok"

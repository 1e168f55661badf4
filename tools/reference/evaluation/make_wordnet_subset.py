#!/usr/bin/python3
"""Cuts a tiny WordNet 3.0 subset for the METEOR synonym tests, so they run where Debian's wordnet-base is absent.

Keeps the index lines (all parts of speech) of the words below and the exception-list lines that inflect to them,
unchanged, plus the WordNet licence (it permits copying with the notice kept).
Run: /usr/bin/python3 tools/reference/evaluation/make_wordnet_subset.py -> tests/fixtures/Evaluation/wordnet-mini/
"""
import os
import shutil

SRC = '/usr/share/wordnet'
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
DST = os.path.join(ROOT, 'tests', 'fixtures', 'Evaluation', 'wordnet-mini')
WORDS = {'couch', 'sofa', 'fridge', 'refrigerator', 'cat', 'dog', 'puppy', 'kitchen', 'woman', 'lady', 'sit', 'big',
         'large', 'man', 'mouse', 'run', 'street', 'road', 'car', 'automobile', 'happy', 'glad', 'quickly', 'rapidly'}

os.makedirs(DST, exist_ok=True)
for pos in ['noun', 'verb', 'adj', 'adv']:
    with open(os.path.join(SRC, 'index.' + pos)) as f, open(os.path.join(DST, 'index.' + pos), 'w') as out:
        for line in f:
            if not line.startswith(' ') and line.split(' ', 1)[0] in WORDS:
                out.write(line)
    with open(os.path.join(SRC, pos + '.exc')) as f, open(os.path.join(DST, pos + '.exc'), 'w') as out:
        for line in f:
            parts = line.split()
            if len(parts) > 1 and any(b in WORDS for b in parts[1:]):
                out.write(line)
shutil.copy('/usr/share/doc/wordnet-base/copyright', os.path.join(DST, 'LICENSE'))

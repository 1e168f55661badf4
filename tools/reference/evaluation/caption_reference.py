#!/usr/bin/python3
"""Reference values for the caption metrics of Multimodal.Sdk.Evaluation.

Run with Debian's Python (numpy, python3-nltk):  /usr/bin/python3 tools/reference/evaluation/caption_reference.py
Writes tests/fixtures/Evaluation/caption_reference.json.

BLEU, ROUGE-L and CIDEr-D follow pycocoevalcap's bleu_scorer.py, rouge.py and cider_scorer.py (tylin/coco-caption)
step by step, ported to Python 3 and written out here (the original files are not vendored). The captions of
captions.json only need lower-casing and removal of '.' and ',' to equal the PTB tokenizer's output, so that is the
tokenization used here (the C# tests check the tokenizer gives the same words).

Independent cross-checks with python3-nltk:
- nltk.translate.bleu_score.corpus_bleu uses the same closest-reference-length rule; it differs only by
  pycocoevalcap's tiny/small constants, so on data where every n-gram order has matches the two agree to ~1e-9.
- nltk.translate.meteor_score is a different METEOR variant (alpha 0.9, beta 3, gamma 0.5, Porter stemmer, no
  stem/synonym weights); its values are recorded for the comparison in docs/evaluation.md, not as expectations.
- nltk's Snowball English stemmer gives the expected stems for the C# Porter2 port.
"""
import json
import math
import os
from collections import defaultdict

import numpy as np
from nltk.translate.bleu_score import corpus_bleu
from nltk.stem.snowball import SnowballStemmer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
FIX = os.path.join(ROOT, 'tests', 'fixtures', 'Evaluation')


def tokenize(caption):
    return ' '.join(caption.lower().replace('.', ' ').replace(',', ' ').split())


# ---- bleu_scorer.py (option "closest") ----
def precook(s, n=4):
    words = s.split()
    counts = defaultdict(int)
    for k in range(1, n + 1):
        for i in range(len(words) - k + 1):
            counts[tuple(words[i:i + k])] += 1
    return len(words), counts


def cook_refs(refs, n=4):
    reflen, maxcounts = [], {}
    for ref in refs:
        rl, counts = precook(ref, n)
        reflen.append(rl)
        for ngram, count in counts.items():
            maxcounts[ngram] = max(maxcounts.get(ngram, 0), count)
    return reflen, maxcounts


def cook_test(test, cooked_refs, n=4):
    reflen, refmaxcounts = cooked_refs
    testlen, counts = precook(test, n)
    result = {'reflen': reflen, 'testlen': testlen,
              'guess': [max(0, testlen - k + 1) for k in range(1, n + 1)], 'correct': [0] * n}
    for ngram, count in counts.items():
        result['correct'][len(ngram) - 1] += min(refmaxcounts.get(ngram, 0), count)
    return result


def bleu(items, n=4):
    small, tiny = 1e-9, 1e-15
    testlen_total, reflen_total = 0, 0
    total = {'guess': [0] * n, 'correct': [0] * n}
    for hyp, refs in items:
        comps = cook_test(hyp, cook_refs(refs, n), n)
        testlen = comps['testlen']
        testlen_total += testlen
        reflen_total += min((abs(l - testlen), l) for l in comps['reflen'])[1]
        for key in ['guess', 'correct']:
            for k in range(n):
                total[key][k] += comps[key][k]
    bleus = []
    for nn in range(1, n + 1):
        b = 1.
        for k in range(nn):
            b *= float(total['correct'][k] + tiny) / (total['guess'][k] + small)
        bleus.append(b ** (1. / nn))
        ratio = (testlen_total + tiny) / (reflen_total + small)
        if ratio < 1:
            bleus[nn - 1] *= math.exp(1 - 1 / ratio)
    return bleus


# ---- rouge.py ----
def my_lcs(string, sub):
    if len(string) < len(sub):
        sub, string = string, sub
    lengths = [[0 for _ in range(0, len(sub) + 1)] for _ in range(0, len(string) + 1)]
    for j in range(1, len(sub) + 1):
        for i in range(1, len(string) + 1):
            if string[i - 1] == sub[j - 1]:
                lengths[i][j] = lengths[i - 1][j - 1] + 1
            else:
                lengths[i][j] = max(lengths[i - 1][j], lengths[i][j - 1])
    return lengths[len(string)][len(sub)]


def rouge_l(candidate, refs, beta=1.2):
    prec, rec = [], []
    token_c = candidate.split(' ')
    for reference in refs:
        token_r = reference.split(' ')
        lcs = my_lcs(token_r, token_c)
        prec.append(lcs / float(len(token_c)))
        rec.append(lcs / float(len(token_r)))
    prec_max, rec_max = max(prec), max(rec)
    if prec_max != 0 and rec_max != 0:
        return ((1 + beta ** 2) * prec_max * rec_max) / float(rec_max + beta ** 2 * prec_max)
    return 0.0


# ---- cider_scorer.py (CIDEr-D) ----
def cider(items, n=4, sigma=6.0, guard=False):
    # guard=True: skip the division when a norm is 0, as vrama91/cider's ciderD_scorer.py does (pycocoevalcap: NaN).
    def precook_c(s):
        return precook(s, n)[1]

    crefs = [[precook_c(r) for r in refs] for _, refs in items]
    ctest = [precook_c(hyp) for hyp, _ in items]
    document_frequency = defaultdict(float)
    for refs in crefs:
        for ngram in set([ngram for ref in refs for (ngram, count) in ref.items()]):
            document_frequency[ngram] += 1
    ref_len = np.log(float(len(crefs)))

    def counts2vec(cnts):
        vec = [defaultdict(float) for _ in range(n)]
        length = 0
        norm = [0.0 for _ in range(n)]
        for ngram, term_freq in cnts.items():
            df = np.log(max(1.0, document_frequency[ngram]))
            nn = len(ngram) - 1
            vec[nn][ngram] = float(term_freq) * (ref_len - df)
            norm[nn] += pow(vec[nn][ngram], 2)
            if nn == 1:
                length += term_freq
        norm = [np.sqrt(x) for x in norm]
        return vec, norm, length

    def sim(vec_hyp, vec_ref, norm_hyp, norm_ref, length_hyp, length_ref):
        delta = float(length_hyp - length_ref)
        val = np.array([0.0 for _ in range(n)])
        for nn in range(n):
            for ngram, count in vec_hyp[nn].items():
                val[nn] += min(vec_hyp[nn][ngram], vec_ref[nn][ngram]) * vec_ref[nn][ngram]
            if not guard or (norm_hyp[nn] != 0 and norm_ref[nn] != 0):
                val[nn] /= (norm_hyp[nn] * norm_ref[nn])
            val[nn] *= np.e ** (-(delta ** 2) / (2 * sigma ** 2))
        return val

    scores = []
    for test, refs in zip(ctest, crefs):
        vec, norm, length = counts2vec(test)
        score = np.array([0.0 for _ in range(n)])
        for ref in refs:
            vec_ref, norm_ref, length_ref = counts2vec(ref)
            score += sim(vec, vec_ref, norm, norm_ref, length, length_ref)
        score_avg = np.mean(score)
        score_avg /= len(refs)
        score_avg *= 10.0
        scores.append(score_avg)
    return float(np.mean(np.array(scores))), [float(s) for s in scores]


def meteor_nltk(items):
    # A different METEOR variant; recorded for the docs' comparison only.
    from nltk.corpus.reader.wordnet import WordNetCorpusReader
    from nltk.translate.meteor_score import meteor_score
    import tempfile
    # Debian's wordnet-base lacks the 'lexnames' file nltk's reader opens; supply placeholder names (unused here).
    root = tempfile.mkdtemp()
    for name in os.listdir('/usr/share/wordnet'):
        os.symlink(os.path.join('/usr/share/wordnet', name), os.path.join(root, name))
    with open(os.path.join(root, 'lexnames'), 'w') as f:
        f.writelines('%02d\tlex%02d\t%d\n' % (i, i, 1) for i in range(45))
    wn = WordNetCorpusReader(root, None)
    return [float(meteor_score([r.split() for r in refs], hyp.split(), wordnet=wn)) for hyp, refs in items]


# Captions shorter than four words leave some n-gram order empty: pycocoevalcap then returns NaN.
SHORT = [['dog', ['a dog runs', 'the dog']], ['a cat sits here', ['a cat sits', 'cat on a mat']],
         ['two dogs play in the grass', ['two dogs playing in grass', 'dogs play on the lawn']]]


def main():
    data = json.load(open(os.path.join(FIX, 'captions.json')))
    images = sorted(data['images'], key=lambda im: im['id'])
    items = [(tokenize(im['prediction']), [tokenize(r) for r in im['references']]) for im in images]
    b = bleu(items)
    rouge = [rouge_l(h, r) for h, r in items]
    cider_mean, cider_scores = cider(items)
    nltk_bleu = [corpus_bleu([[r.split() for r in refs] for _, refs in items], [h.split() for h, _ in items],
                             weights=tuple([1. / k] * k)) for k in range(1, 5)]
    stem_words = ['caresses', 'flies', 'dies', 'mules', 'denied', 'died', 'agreed', 'owned', 'humbled', 'sized',
                  'meeting', 'stating', 'siezing', 'itemization', 'sensational', 'traditional', 'reference',
                  'colonizer', 'plotted', 'running', 'generously', 'communication', 'arsenal', 'happily', 'skies',
                  'dying', 'news', 'riding', 'rides', 'surfing', 'surfer', 'playing', 'dogs', 'puppies', 'kites',
                  'flying', 'driving', 'sitting', 'lying', 'holding', 'holds', 'rainy', 'carrying', 'standing',
                  'cats', 'sofa', 'broccoli', 'vegetables', 'refrigerator', 'appliances', 'relational', 'conditional',
                  'rational', 'valenci', 'hesitanci', 'digitizer', 'conformabli', 'radicalli', 'differentli',
                  'vileli', 'analogousli', 'vietnamization', 'predication', 'operator', 'feudalism', 'decisiveness',
                  'hopefulness', 'callousness', 'formaliti', 'sensitiviti', 'sensibiliti', 'triplicate', 'formative',
                  'formalize', 'electriciti', 'electrical', 'hopeful', 'goodness', 'revival', 'allowance', 'inference',
                  'airliner', 'gyroscopic', 'adjustable', 'defensible', 'irritant', 'replacement', 'adjustment',
                  'dependent', 'adoption', 'homologou', 'communism', 'activate', 'angulariti', 'homologous',
                  'effective', 'bowdlerize', 'probate', 'rate', 'cease', 'controll', 'roll', 'yellow', 'sayings',
                  'crying', 'enjoying', 'consigned', 'knightly', 'outing', 'exceed', 'gently', 'ugly', 'andes',
                  "dog's", 'hopping', 'tanned', 'falling', 'hissing', 'fizzed', 'failing', 'filing', 'luxuriated',
                  'luxuriating', 'conflated', 'troubled', 'hoped', 'hoping', 'fitted', 'sizing', 'bled', 'guy',
                  'boy', 'eyed', 'ties', 'cries', 'ied', 'gas', 'this', 'gaps', 'kiwis', 'succeeded']
    stemmer = SnowballStemmer('english')
    out = {
        'comment': 'Generated by tools/reference/evaluation/caption_reference.py; do not edit.',
        'ids': [im['id'] for im in images],
        'tokenized': {im['id']: {'prediction': h, 'references': r} for im, (h, r) in zip(images, items)},
        'bleu': b,
        'rouge_l': float(np.mean(np.array(rouge))),
        'rouge_l_per_image': rouge,
        'cider_d': cider_mean,
        'cider_d_per_image': cider_scores,
        'nltk_corpus_bleu': nltk_bleu,
        'nltk_meteor_per_image': meteor_nltk(items),
        'short_captions': {'items': SHORT, 'pycocoevalcap_cider_d': str(cider(SHORT)[0]),
                           'guarded_cider_d_per_image': cider(SHORT, guard=True)[1]},
        'snowball_stems': {w: stemmer.stem(w) for w in stem_words},
    }
    with open(os.path.join(FIX, 'caption_reference.json'), 'w') as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write('\n')
    print('bleu', b)
    print('nltk', nltk_bleu)
    print('rouge', out['rouge_l'], 'cider', cider_mean)
    print('nltk meteor mean', float(np.mean(out['nltk_meteor_per_image'])))


if __name__ == '__main__':
    main()

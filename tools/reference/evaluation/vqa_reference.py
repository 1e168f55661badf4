#!/usr/bin/python3
"""Reference VQA accuracies for tests/fixtures/Evaluation/vqa.json.

The evaluation loop and the answer normalization below follow GT-Vision-Lab/VQA
PythonEvaluationTools/vqaEvaluation/vqaEval.py (the Python 3 version) step by step, written out here; accuracies are
kept unrounded as well as rounded to two decimals as the official script reports them.
Run: /usr/bin/python3 tools/reference/evaluation/vqa_reference.py  -> tests/fixtures/Evaluation/vqa_reference.json
"""
import json
import os
import re

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
FIX = os.path.join(ROOT, 'tests', 'fixtures', 'Evaluation')

CONTRACTIONS = {"aint": "ain't", "arent": "aren't", "cant": "can't", "couldve": "could've", "couldnt": "couldn't",
                "couldn'tve": "couldn't've", "couldnt've": "couldn't've", "didnt": "didn't", "doesnt": "doesn't",
                "dont": "don't", "hadnt": "hadn't", "hadnt've": "hadn't've", "hadn'tve": "hadn't've", "hasnt": "hasn't",
                "havent": "haven't", "hed": "he'd", "hed've": "he'd've", "he'dve": "he'd've", "hes": "he's",
                "howd": "how'd", "howll": "how'll", "hows": "how's", "Id've": "I'd've", "I'dve": "I'd've", "Im": "I'm",
                "Ive": "I've", "isnt": "isn't", "itd": "it'd", "itd've": "it'd've", "it'dve": "it'd've",
                "itll": "it'll", "let's": "let's", "maam": "ma'am", "mightnt": "mightn't", "mightnt've": "mightn't've",
                "mightn'tve": "mightn't've", "mightve": "might've", "mustnt": "mustn't", "mustve": "must've",
                "neednt": "needn't", "notve": "not've", "oclock": "o'clock", "oughtnt": "oughtn't",
                "ow's'at": "'ow's'at", "'ows'at": "'ow's'at", "'ow'sat": "'ow's'at", "shant": "shan't",
                "shed've": "she'd've", "she'dve": "she'd've", "she's": "she's", "shouldve": "should've",
                "shouldnt": "shouldn't", "shouldnt've": "shouldn't've", "shouldn'tve": "shouldn't've",
                "somebody'd": "somebodyd", "somebodyd've": "somebody'd've", "somebody'dve": "somebody'd've",
                "somebodyll": "somebody'll", "somebodys": "somebody's", "someoned": "someone'd",
                "someoned've": "someone'd've", "someone'dve": "someone'd've", "someonell": "someone'll",
                "someones": "someone's", "somethingd": "something'd", "somethingd've": "something'd've",
                "something'dve": "something'd've", "somethingll": "something'll", "thats": "that's",
                "thered": "there'd", "thered've": "there'd've", "there'dve": "there'd've", "therere": "there're",
                "theres": "there's", "theyd": "they'd", "theyd've": "they'd've", "they'dve": "they'd've",
                "theyll": "they'll", "theyre": "they're", "theyve": "they've", "twas": "'twas", "wasnt": "wasn't",
                "wed've": "we'd've", "we'dve": "we'd've", "weve": "we've", "werent": "weren't", "whatll": "what'll",
                "whatre": "what're", "whats": "what's", "whatve": "what've", "whens": "when's", "whered": "where'd",
                "wheres": "where's", "whereve": "where've", "whod": "who'd", "whod've": "who'd've",
                "who'dve": "who'd've", "wholl": "who'll", "whos": "who's", "whove": "who've", "whyll": "why'll",
                "whyre": "why're", "whys": "why's", "wont": "won't", "wouldve": "would've", "wouldnt": "wouldn't",
                "wouldnt've": "wouldn't've", "wouldn'tve": "wouldn't've", "yall": "y'all", "yall'll": "y'all'll",
                "y'allll": "y'all'll", "yall'd've": "y'all'd've", "y'alld've": "y'all'd've", "y'all'dve": "y'all'd've",
                "youd": "you'd", "youd've": "you'd've", "you'dve": "you'd've", "youll": "you'll", "youre": "you're",
                "youve": "you've"}
MANUAL_MAP = {'none': '0', 'zero': '0', 'one': '1', 'two': '2', 'three': '3', 'four': '4', 'five': '5', 'six': '6',
              'seven': '7', 'eight': '8', 'nine': '9', 'ten': '10'}
ARTICLES = ['a', 'an', 'the']
PERIOD_STRIP = re.compile(r"(?!<=\d)(\.)(?!\d)")
COMMA_STRIP = re.compile(r"(\d)(\,)(\d)")
PUNCT = [';', r"/", '[', ']', '"', '{', '}', '(', ')', '=', '+', '\\', '_', '-', '>', '<', '@', '`', ',', '?', '!']


def process_punctuation(in_text):
    out_text = in_text
    for p in PUNCT:
        if (p + ' ' in in_text or ' ' + p in in_text) or (re.search(COMMA_STRIP, in_text) is not None):
            out_text = out_text.replace(p, '')
        else:
            out_text = out_text.replace(p, ' ')
    return PERIOD_STRIP.sub("", out_text, re.UNICODE)


def process_digit_article(in_text):
    out_text = []
    for word in in_text.lower().split():
        word = MANUAL_MAP.setdefault(word, word)
        if word not in ARTICLES:
            out_text.append(word)
    for word_id, word in enumerate(out_text):
        if word in CONTRACTIONS:
            out_text[word_id] = CONTRACTIONS[word]
    return ' '.join(out_text)


def main():
    data = json.load(open(os.path.join(FIX, 'vqa.json')))
    acc_qa, acc_qtype, acc_atype, per_q = [], {}, {}, {}
    for ann in data['annotations']:
        qid = ann['question_id']
        answers = [{'answer': a, 'answer_id': i + 1} for i, a in enumerate(ann['answers'])]
        res_ans = data['predictions'][qid].replace('\n', ' ').replace('\t', ' ').strip()
        res_ans = process_digit_article(process_punctuation(res_ans))
        gt_acc = []
        if len(set(a['answer'] for a in answers)) > 1:
            for a in answers:
                a['answer'] = process_punctuation(a['answer'])
        for gt in answers:
            other = [item for item in answers if item != gt]
            matching = [item for item in other if item['answer'] == res_ans]
            gt_acc.append(min(1, float(len(matching)) / 3))
        avg = float(sum(gt_acc)) / len(gt_acc)
        acc_qa.append(avg)
        acc_qtype.setdefault(ann['question_type'], []).append(avg)
        acc_atype.setdefault(ann['answer_type'], []).append(avg)
        per_q[qid] = 100 * avg
    out = {
        'comment': 'Generated by tools/reference/evaluation/vqa_reference.py; do not edit.',
        'overall': 100 * float(sum(acc_qa)) / len(acc_qa),
        'per_question_type': {k: 100 * float(sum(v)) / len(v) for k, v in acc_qtype.items()},
        'per_answer_type': {k: 100 * float(sum(v)) / len(v) for k, v in acc_atype.items()},
        'per_question': per_q,
        'overall_rounded': round(100 * float(sum(acc_qa)) / len(acc_qa), 2),
        'normalized_predictions': {k: process_digit_article(process_punctuation(v.strip())) for k, v in data['predictions'].items()},
        'normalization_cases': {s: process_digit_article(process_punctuation(s.strip())) for s in [
            'Two dogs.', 'the cat', "dont", 'yes!', 'a, b', '1,000', '3.5', 'red. blue.', 'none', 'an apple',
            'T-shirt', 'hot-dog', 't - shirt', 'Youre right', 'he/she', '"quoted"', 'ten.', 'x.y', '...',
            '(left)', 'it is 3:30', 'e.g.', 'well-known.', 'Im here']},
    }
    with open(os.path.join(FIX, 'vqa_reference.json'), 'w') as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write('\n')
    print(out['overall'], out['per_answer_type'])


if __name__ == '__main__':
    main()

// Independent consumer of models/tiny-whisper: transformers.js (offline, local folder).
//   node tools/zoo/node/speech.mjs MODEL_DIR FIXTURES_DIR EVAL_DIR PYTORCH_RESULTS.json OUT.json
// 1. WhisperFeatureExtractor of transformers.js vs the committed reference log-mels (tests/fixtures/speech).
// 2. Its WhisperTokenizer vs the reference ids in the fixtures manifest.
// 3. automatic-speech-recognition pipeline on every held-out short clip (language given: transformers.js
//    has no language detection and would default to English), compared with the PyTorch transcripts of
//    tools/zoo/speech/eval.py; Spanish clips also with task 'translate'; then timestamps on long files.
import fs from 'node:fs';
import path from 'node:path';
import { env, pipeline, AutoTokenizer, AutoProcessor } from '@huggingface/transformers';
import { readWav, norm } from './wav.mjs';

const [modelDir, fixturesDir, evalDir, torchResults, outPath] = process.argv.slice(2);
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = path.dirname(path.resolve(modelDir));
const modelId = path.basename(path.resolve(modelDir));


const result = {};

// 1. features
const processor = await AutoProcessor.from_pretrained(modelId);
const manifest = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'manifest.json'), 'utf8'));
let fMax = 0;
let fSum = 0;
let fN = 0;
for (const c of manifest.clips) {
  const audio = readWav(path.join(fixturesDir, c.wav));
  const { input_features } = await processor.feature_extractor(audio);
  const ref = new Float32Array(fs.readFileSync(path.join(fixturesDir, c.logmel)).buffer.slice(0));
  const got = input_features.data;
  if (got.length !== ref.length) throw new Error(`${c.wav}: ${got.length} values, reference ${ref.length}`);
  let m = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(got[i] - ref[i]);
    m = Math.max(m, d);
    fSum += d;
  }
  fN += ref.length;
  fMax = Math.max(fMax, m);
}
result.features_vs_reference = { clips: manifest.clips.length, max_abs_diff: fMax, mean_abs_diff: fSum / fN };
console.log('features', result.features_vs_reference);

// 2. tokenizer
const tokenizer = await AutoTokenizer.from_pretrained(modelId);
let tokOk = 0;
for (const c of manifest.tokenizer.cases) {
  const ids = tokenizer.encode(c.text, { add_special_tokens: false });
  if (JSON.stringify(ids) === JSON.stringify(c.ids) && tokenizer.decode(ids) === c.text) tokOk++;
  else console.log('tokenizer mismatch', c.text, ids, c.ids);
}
result.tokenizer_cases = { equal: tokOk, total: manifest.tokenizer.cases.length };
console.log('tokenizer', result.tokenizer_cases);

// 3. ASR pipeline
const asr = await pipeline('automatic-speech-recognition', modelId, { dtype: 'fp32', device: 'cpu' });
const torch = JSON.parse(fs.readFileSync(torchResults, 'utf8')).clips;
const byFile = new Map(torch.map((c) => [c.file, c]));
const labels = fs.readFileSync(path.join(evalDir, 'short', 'labels.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
let same = 0;
let n = 0;
let trSame = 0;
let trN = 0;
let tsSame = 0;
const diffs = [];
const t0 = Date.now();
for (const lab of labels) {
  const ref = byFile.get(lab.file);
  if (!ref) continue;
  const audio = readWav(path.join(evalDir, 'short', lab.file));
  const out = await asr(audio, { language: ref.language, task: 'transcribe' });
  n++;
  if (norm(out.text) === ref.text) same++;
  else diffs.push({ file: lab.file, task: 'transcribe', transformers_js: norm(out.text), pytorch: ref.text });
  if (ref.translation !== undefined) {
    const tr = await asr(audio, { language: ref.language, task: 'translate' });
    trN++;
    if (norm(tr.text) === ref.translation) trSame++;
    else diffs.push({ file: lab.file, task: 'translate', transformers_js: norm(tr.text), pytorch: ref.translation });
  }
  const ts = await asr(audio, { language: ref.language, task: 'transcribe', return_timestamps: true });
  const seg = ref.segments;
  const c = ts.chunks || [];
  if (c.length === seg.length && c.every((x, i) => Math.abs(x.timestamp[0] - seg[i].start) < 1e-6 &&
      Math.abs(x.timestamp[1] - seg[i].end) < 1e-6 && norm(x.text) === seg[i].text)) tsSame++;
  else if (diffs.length < 60) diffs.push({ file: lab.file, task: 'timestamps', transformers_js: c, pytorch: seg });
}
result.short_clips = {
  clips: n, same_transcript: same, same_transcript_rate: same / Math.max(1, n),
  spanish_translate: trN, same_translation: trSame,
  same_timestamped_segments: tsSame, seconds: (Date.now() - t0) / 1000,
};
console.log('asr', result.short_clips);

// Long files: transformers.js 4.x decodes timestamps with its own seek loop over chunk_length windows.
const chunkS = processor.feature_extractor.config.chunk_length; // the pipeline truncates to n_samples unless chunked
const longLabels = fs.readFileSync(path.join(evalDir, 'long', 'labels.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
let lOk = 0;
let lN = 0;
const longOut = [];
for (const lab of longLabels) {
  const audio = readWav(path.join(evalDir, 'long', lab.file));
  let out;
  try {
    out = await asr(audio, { language: lab.language, task: 'transcribe', return_timestamps: true, chunk_length_s: chunkS });
  } catch (e) {
    longOut.push({ file: lab.file, error: String(e) });
    continue;
  }
  const chunks = out.chunks || [];
  const used = new Set();
  for (const r of lab.segments) {
    lN++;
    const j = chunks.findIndex((c, k) => !used.has(k) && c.timestamp[1] !== null &&
      Math.abs(c.timestamp[0] - r.start) <= 0.2 && Math.abs(c.timestamp[1] - r.end) <= 0.2);
    if (j >= 0) { used.add(j); lOk++; }
  }
  longOut.push({ file: lab.file, duration: lab.duration, chunks: chunks.length, reference: lab.segments.length });
}
result.long_form = { files: longLabels.length, utterances: lN, within_0_2s: lOk, rate: lOk / Math.max(1, lN), files_detail: longOut };
console.log('long', { files: longLabels.length, utterances: lN, within_0_2s: lOk });
result.differences = diffs;
fs.writeFileSync(outPath, JSON.stringify(result, null, 1));

// The transformers.js side of tools/bench/speech.sh and of the SDK's transcript-parity fixture.
//   node tools/bench/speech_transformersjs.mjs rtf MODEL_DIR THREADS REPEAT FILE...      one JSON line per file
//   node tools/bench/speech_transformersjs.mjs features RUNS                              30 s log-mel timing
//   node tools/bench/speech_transformersjs.mjs parity MODEL_DIR THREADS OUT.json DIR...   transcripts of DIR/labels.jsonl
// transformers.js is loaded from tools/zoo/node_modules (`npm ci --prefix tools/zoo`), or from $ZOO_NODE_MODULES.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readWav, norm } from '../zoo/node/wav.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const nodeModules = process.env.ZOO_NODE_MODULES ?? path.join(root, 'tools', 'zoo', 'node_modules');
const pkgDir = path.join(nodeModules, '@huggingface', 'transformers');
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const tjs = await import(pathToFileURL(path.join(pkgDir, pkg.exports.node.import.default)).href);
const ortVersion = JSON.parse(fs.readFileSync(createRequire(path.join(pkgDir, 'package.json')).resolve('onnxruntime-node/package.json'), 'utf8')).version;
const { env, pipeline, WhisperFeatureExtractor } = tjs;



async function loadAsr(modelDir, threads) {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = path.dirname(path.resolve(modelDir));
  const modelId = path.basename(path.resolve(modelDir));
  const asr = await pipeline('automatic-speech-recognition', modelId, {
    dtype: 'fp32',
    device: 'cpu',
    session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
  });
  return asr;
}

const [mode, ...rest] = process.argv.slice(2);

if (mode === 'rtf') {
  const [modelDir, threadsArg, repeatArg, ...files] = rest;
  const asr = await loadAsr(modelDir, Number(threadsArg));
  const chunkS = asr.processor.feature_extractor.config.chunk_length;
  // Long audio needs chunk_length_s (without it the pipeline keeps only the first n_samples): windows of the
  // model's chunk_length, stride chunk/6 on each side (the default), merged by the tokenizer's _decode_asr.
  const opts = { language: 'en', task: 'transcribe', return_timestamps: true, chunk_length_s: chunkS };
  await asr(readWav(files[0]).subarray(0, 16000), opts); // warm-up, as the .NET side
  for (const file of files) {
    const audio = readWav(file);
    const runs = [];
    let out;
    for (let r = 0; r < Number(repeatArg); r++) {
      const t0 = process.hrtime.bigint();
      out = await asr(audio, opts);
      runs.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    runs.sort((a, b) => a - b);
    const median = runs[Math.floor(runs.length / 2)];
    console.log(JSON.stringify({
      side: 'transformers.js', version: pkg.version, onnxruntime_node: ortVersion, file: path.basename(file),
      audio_s: audio.length / 16000, runs_s: runs, median_s: median, rtf: median / (audio.length / 16000),
      segments: (out.chunks ?? []).length, text: norm(out.text),
    }));
  }
} else if (mode === 'features') {
  // transformers.js's own WhisperFeatureExtractor on one real-Whisper window (30 s, 80 x 3000), same signal as
  // benchmarks/Multimodal.Sdk.Benchmarks/Speech/WhisperFeatureBenchmarks.cs (a 220 Hz tone plus uniform noise).
  const runs = Number(rest[0] ?? 10);
  const fe = new WhisperFeatureExtractor({
    feature_size: 80, sampling_rate: 16000, hop_length: 160, chunk_length: 30, n_fft: 400,
    n_samples: 480000, nb_max_frames: 3000, padding_value: 0.0, return_attention_mask: false,
  });
  const x = new Float32Array(480000);
  let seed = 1;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let n = 0; n < x.length; n++) x[n] = 0.3 * Math.sin(2 * Math.PI * 220 * n / 16000) + 0.05 * (rnd() - 0.5);
  await fe(x);
  const times = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    await fe(x);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ side: 'transformers.js', version: pkg.version, what: 'features 30 s', runs_ms: times, median_ms: times[Math.floor(times.length / 2)], min_ms: times[0] }));
} else if (mode === 'parity') {
  const [modelDir, threadsArg, outPath, ...dirs] = rest;
  const asr = await loadAsr(modelDir, Number(threadsArg));
  const clips = [];
  const t0 = Date.now();
  for (const dir of dirs) {
    const labels = fs.readFileSync(path.join(dir, 'labels.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    for (const lab of labels) {
      const file = path.join(dir, lab.file);
      // transformers.js has no language detection (it would assume English): both sides get the clip's language,
      // English for the no-speech clips.
      const language = lab.language ?? 'en';
      const out = await asr(readWav(file), { language, task: 'transcribe' });
      clips.push({
        set: path.basename(dir), file: lab.file,
        sha256: crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'),
        language, reference: lab.text, transformers_js: norm(out.text),
      });
    }
  }
  const fixture = {
    what: 'transformers.js transcripts of held-out speech-world clips, for the SDK transcript-parity test',
    generate: dirs.map((d) => path.basename(d)),
    transformers_js: pkg.version, onnxruntime_node: ortVersion,
    options: { language: 'the clip language (en for no-speech clips)', task: 'transcribe', return_timestamps: false, decoding: 'greedy (generation_config defaults)' },
    seconds: (Date.now() - t0) / 1000,
    equal_to_reference: clips.filter((c) => c.transformers_js === c.reference).length,
    clips,
  };
  fs.writeFileSync(outPath, JSON.stringify(fixture, null, 1) + '\n');
  console.log(JSON.stringify({ clips: clips.length, equal_to_reference: fixture.equal_to_reference, seconds: fixture.seconds }));
} else {
  console.error('usage: speech_transformersjs.mjs rtf|features|parity ...');
  process.exit(2);
}

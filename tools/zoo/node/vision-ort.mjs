// ONNX side of the vision zoo evaluation: runs the exported graphs with onnxruntime-node (the
// runtime transformers.js uses) on tensors written by tools/zoo/vision/*.py, and writes the
// outputs back for the Python side to compare (parity) and score (eval.json "onnx" columns).
// Debian's python3-onnx (1.12) has no reference evaluator and onnxruntime is not on apt, hence Node.
//
//   node vision-ort.mjs run <model.onnx> <in_dir> <out_dir>
//   node vision-ort.mjs caption <model_dir> <merged|split> <in_dir> <out_dir>
//   node vision-ort.mjs vlm <model_dir> <in_dir> <out_dir>
// A tensor dir holds manifest.json {name: {dtype, dims, file}} and raw little-endian files.
import path from 'node:path';
import fs from 'node:fs';
import { ort, readTensors, writeTensors, session, slice0, concat0, argmaxLast, greedyWithMedia } from './ort-common.mjs';

async function runGraph(modelPath, inDir, outDir, chunk = 0) {
  const s = await session(modelPath);
  const all = readTensors(inDir);
  const feeds = Object.fromEntries(s.inputNames.map((n) => [n, all[n]]));
  const n = Object.values(feeds)[0].dims[0];
  // batch-dimension chunks only when every input shares it (e.g. the vision tower over 1000 images)
  const parts = [];
  const step = chunk && s.inputNames.every((k) => feeds[k].dims[0] === n) ? chunk : n;
  for (let lo = 0; lo < n; lo += step) {
    const f = step === n ? feeds : Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, slice0(t, lo, Math.min(n, lo + step))]));
    parts.push(await s.run(f));
  }
  const out = Object.fromEntries(s.outputNames.map((k) => [k, parts.length === 1 ? parts[0][k] : concat0(parts.map((p) => p[k]))]));
  writeTensors(outDir, out);
  console.log(`${path.basename(modelPath)}: inputs ${s.inputNames.join(', ')} -> outputs ${s.outputNames.join(', ')}`);
}

function emptyPast(s, batch) {
  // the first-step cache from the graph's own input metadata, unknown dims -> 0 (batch -> batch)
  const feeds = {};
  for (const name of s.inputNames.filter((n) => n.startsWith('past_key_values.'))) {
    const meta = s.inputMetadata?.find?.((m) => m.name === name);
    const shape = meta?.shape ?? [batch, 0, 0, 0];
    const dims = shape.map((d, i) => (i === 0 ? batch : typeof d === 'number' ? d : 0));
    feeds[name] = new ort.Tensor('float32', new Float32Array(0), dims);
  }
  return feeds;
}

async function caption(modelDir, variant, inDir, outDir) {
  const cfg = JSON.parse(fs.readFileSync(path.join(modelDir, 'config.json'), 'utf8'));
  const gen = JSON.parse(fs.readFileSync(path.join(modelDir, 'generation_config.json'), 'utf8'));
  const enc = await session(path.join(modelDir, 'onnx', 'encoder_model.onnx'));
  const { pixel_values } = readTensors(inDir);
  const N = pixel_values.dims[0];
  const maxLen = gen.max_length ?? 24;
  const start = cfg.decoder_start_token_id, eos = gen.eos_token_id;
  const nHead = cfg.decoder.n_head, hd = cfg.decoder.n_embd / cfg.decoder.n_head;
  let merged, first, withPast;
  if (variant === 'merged') merged = await session(path.join(modelDir, 'onnx', 'decoder_model_merged.onnx'));
  else {
    first = await session(path.join(modelDir, 'onnx', 'decoder_model.onnx'));
    withPast = await session(path.join(modelDir, 'onnx', 'decoder_with_past_model.onnx'));
  }
  const B = 100;
  const ids = new BigInt64Array(N * maxLen).fill(BigInt(eos));
  const hidden = [];
  for (let lo = 0; lo < N; lo += B) {
    const hi = Math.min(N, lo + B), b = hi - lo;
    const { last_hidden_state } = await enc.run({ pixel_values: slice0(pixel_values, lo, hi) });
    hidden.push(last_hidden_state);
    let tokens = new Array(b).fill(start);
    const done = new Array(b).fill(false);
    let past = null;
    for (let step = 0; step < maxLen; step++) {
      const feeds = { input_ids: new ort.Tensor('int64', BigInt64Array.from(tokens, BigInt), [b, 1]), encoder_hidden_states: last_hidden_state };
      let s;
      if (merged) {
        s = merged;
        Object.assign(feeds, past ?? emptyPastShape(cfg, b, nHead, hd));
        feeds.use_cache_branch = new ort.Tensor('bool', new Uint8Array([past ? 1 : 0]), [1]);
      } else if (past) {
        s = withPast;
        Object.assign(feeds, past);
      } else {
        s = first;
      }
      const out = await s.run(feeds);
      past = {};
      for (const k of Object.keys(out)) if (k.startsWith('present.')) past['past_key_values.' + k.slice(8)] = out[k];
      tokens = tokens.map((_, r) => argmaxLast(out.logits, r));
      for (let r = 0; r < b; r++) {
        if (done[r]) continue;
        ids[(lo + r) * maxLen + step] = BigInt(tokens[r]);
        if (tokens[r] === eos) done[r] = true;
      }
      if (done.every(Boolean)) break;
    }
  }
  writeTensors(outDir, { generated: new ort.Tensor('int64', ids, [N, maxLen]), last_hidden_state: concat0(hidden) });
}

function emptyPastShape(cfg, b, nHead, hd) {
  const feeds = {};
  for (let i = 0; i < cfg.decoder.n_layer; i++) {
    for (const kv of ['key', 'value']) feeds[`past_key_values.${i}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [b, nHead, 0, hd]);
  }
  return feeds;
}

async function vlm(modelDir, inDir, outDir) {
  const cfg = JSON.parse(fs.readFileSync(path.join(modelDir, 'config.json'), 'utf8'));
  const gen = JSON.parse(fs.readFileSync(path.join(modelDir, 'generation_config.json'), 'utf8'));
  const vis = await session(path.join(modelDir, 'onnx', 'vision_encoder.onnx'));
  const emb = await session(path.join(modelDir, 'onnx', 'embed_tokens.onnx'));
  const dec = await session(path.join(modelDir, 'onnx', 'decoder_model_merged.onnx'));
  const { pixel_values, input_ids, image_index } = readTensors(inDir); // prompts [N, L] (same length), image row per prompt
  const { image_features } = await vis.run({ pixel_values });
  const generated = await greedyWithMedia({
    emb, dec, cfg, eos: new Set([].concat(gen.eos_token_id)), maxNew: 16, inputIds: input_ids, mediaToken: cfg.image_token_index,
    features: image_features.data, rows: image_features.dims[1], mediaIndex: image_index, what: 'image' });
  writeTensors(outDir, { generated: new ort.Tensor('int64', generated, [input_ids.dims[0], 16]), image_features });
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'run') await runGraph(args[0], args[1], args[2], Number(args[3] ?? 0));
else if (mode === 'caption') await caption(...args);
else if (mode === 'vlm') await vlm(...args);
else {
  console.error('usage: vision-ort.mjs run|caption|vlm ...');
  process.exit(2);
}

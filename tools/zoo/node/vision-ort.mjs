// ONNX side of the vision zoo evaluation: runs the exported graphs with onnxruntime-node (the
// runtime transformers.js uses) on tensors written by tools/zoo/vision/*.py, and writes the
// outputs back for the Python side to compare (parity) and score (eval.json "onnx" columns).
// Debian's python3-onnx (1.12) has no reference evaluator and onnxruntime is not on apt, hence Node.
//
//   node vision-ort.mjs run <model.onnx> <in_dir> <out_dir>
//   node vision-ort.mjs caption <model_dir> <merged|split> <in_dir> <out_dir>
//   node vision-ort.mjs vlm <model_dir> <in_dir> <out_dir>
// A tensor dir holds manifest.json {name: {dtype, dims, file}} and raw little-endian files.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'package.json'));
const ort = require('onnxruntime-node');

const ARRAYS = { float32: Float32Array, int64: BigInt64Array, bool: Uint8Array, int32: Int32Array };

function readTensors(dir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const out = {};
  for (const [name, { dtype, dims, file }] of Object.entries(manifest)) {
    const buf = fs.readFileSync(path.join(dir, file));
    const Arr = ARRAYS[dtype];
    const data = new Arr(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    out[name] = new ort.Tensor(dtype, data, dims);
  }
  return out;
}

function writeTensors(dir, tensors) {
  fs.mkdirSync(dir, { recursive: true });
  const manifest = {};
  for (const [name, t] of Object.entries(tensors)) {
    const file = name.replace(/[^A-Za-z0-9_.-]/g, '_') + '.bin';
    const data = t.type === 'bool' ? Uint8Array.from(t.data, (v) => (v ? 1 : 0)) : t.data;
    fs.writeFileSync(path.join(dir, file), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    manifest[name] = { dtype: t.type, dims: t.dims, file };
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
}

const session = (p) => ort.InferenceSession.create(p, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });

function slice0(t, lo, hi) {
  const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
  return new ort.Tensor(t.type, t.data.slice(lo * per, hi * per), [hi - lo, ...t.dims.slice(1)]);
}

function concat0(ts) {
  const dims = [ts.reduce((a, t) => a + t.dims[0], 0), ...ts[0].dims.slice(1)];
  const Arr = ts[0].data.constructor;
  const data = new Arr(ts.reduce((a, t) => a + t.data.length, 0));
  let o = 0;
  for (const t of ts) { data.set(t.data, o); o += t.data.length; }
  return new ort.Tensor(ts[0].type, data, dims);
}

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

function argmaxLast(logits, b) {
  // logits [B, T, V]: argmax over V at the last position of row b
  const [, T, V] = logits.dims;
  const off = (b * T + T - 1) * V;
  let best = 0;
  for (let v = 1; v < V; v++) if (logits.data[off + v] > logits.data[off + best]) best = v;
  return best;
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
  const tc = cfg.text_config;
  const H = tc.hidden_size, L = tc.num_hidden_layers, kvh = tc.num_key_value_heads, hd = tc.head_dim ?? H / tc.num_attention_heads;
  const eos = new Set([].concat(gen.eos_token_id));
  const maxNew = 16;
  const { image_features } = await vis.run({ pixel_values });
  const [N, P] = input_ids.dims;
  const nq = image_features.dims[1];
  const out = new BigInt64Array(N * maxNew).fill(-1n);
  // 32 prompts per run: with 64, onnxruntime-node 1.30's full graph optimization gave wrong tokens for 18% of the
  // 30-token prompts of the retrained tiny-vlm (batches of 7 or 32, or optimization disabled: identical to PyTorch).
  const B = 32;
  for (let lo = 0; lo < N; lo += B) {
    const hi = Math.min(N, lo + B), b = hi - lo;
    const ids = slice0(input_ids, lo, hi);
    const { inputs_embeds } = await emb.run({ input_ids: ids });
    // splice the image rows into the <image> positions, in order
    const e = inputs_embeds.data;
    for (let r = 0; r < b; r++) {
      const img = Number(image_index.data[lo + r]);
      let q = 0;
      for (let t = 0; t < P; t++) {
        if (Number(ids.data[r * P + t]) === cfg.image_token_index) {
          e.set(image_features.data.subarray((img * nq + q) * H, (img * nq + q + 1) * H), (r * P + t) * H);
          q++;
        }
      }
      if (q !== nq) throw new Error(`prompt ${lo + r} has ${q} image tokens, the vision encoder gives ${nq}`);
    }
    let feedsEmb = inputs_embeds;
    let past = {};
    for (let i = 0; i < L; i++) for (const kv of ['key', 'value']) past[`past_key_values.${i}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [b, kvh, 0, hd]);
    let total = 0;
    const done = new Array(b).fill(false);
    for (let step = 0; step < maxNew; step++) {
      const T = feedsEmb.dims[1];
      const mask = new ort.Tensor('int64', new BigInt64Array(b * (total + T)).fill(1n), [b, total + T]);
      const pos = new BigInt64Array(b * T);
      for (let r = 0; r < b; r++) for (let t = 0; t < T; t++) pos[r * T + t] = BigInt(total + t);
      const o = await dec.run({ inputs_embeds: feedsEmb, attention_mask: mask, position_ids: new ort.Tensor('int64', pos, [b, T]), ...past });
      total += T;
      past = {};
      for (const k of Object.keys(o)) if (k.startsWith('present.')) past['past_key_values.' + k.slice(8)] = o[k];
      const next = [];
      for (let r = 0; r < b; r++) {
        const tkn = argmaxLast(o.logits, r);
        next.push(tkn);
        if (!done[r]) out[(lo + r) * maxNew + step] = BigInt(tkn);
        if (eos.has(tkn)) done[r] = true;
      }
      if (done.every(Boolean)) break;
      ({ inputs_embeds: feedsEmb } = await emb.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(next, BigInt), [b, 1]) }));
    }
  }
  writeTensors(outDir, { generated: new ort.Tensor('int64', out, [N, maxNew]), image_features });
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'run') await runGraph(args[0], args[1], args[2], Number(args[3] ?? 0));
else if (mode === 'caption') await caption(...args);
else if (mode === 'vlm') await vlm(...args);
else {
  console.error('usage: vision-ort.mjs run|caption|vlm ...');
  process.exit(2);
}

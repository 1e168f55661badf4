// ONNX side of the tiny-video-vlm evaluation (tools/zoo/video/eval_video_vlm.py): runs models/tiny-video-vlm's
// graphs with onnxruntime-node on tensors written by the Python side and writes the greedy answers back.
//
//   node video-ort.mjs vlm <model_dir> <in_dir> <out_dir>
// in_dir: pixel_values_videos float32 [V, F, 3, 64, 64] (or video_features [V, S, hidden]), input_ids int64 [N, L] (prompts of one length, <video>
// already expanded to video_seq_length copies), video_index int64 [N] (the video row of each prompt).
// out_dir: generated int64 [N, max_new_tokens] (-1 after the end), video_features float32 [V, S, hidden].
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
    const data = new ARRAYS[dtype](buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    out[name] = new ort.Tensor(dtype, data, dims);
  }
  return out;
}

function writeTensors(dir, tensors) {
  fs.mkdirSync(dir, { recursive: true });
  const manifest = {};
  for (const [name, t] of Object.entries(tensors)) {
    const file = name.replace(/[^A-Za-z0-9_.-]/g, '_') + '.bin';
    fs.writeFileSync(path.join(dir, file), Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    manifest[name] = { dtype: t.type, dims: t.dims, file };
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
}

const session = (p) => ort.InferenceSession.create(p, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });

function slice0(t, lo, hi) {
  const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
  return new ort.Tensor(t.type, t.data.slice(lo * per, hi * per), [hi - lo, ...t.dims.slice(1)]);
}

function argmaxLast(logits, b) {
  const [, T, V] = logits.dims;
  const off = (b * T + T - 1) * V;
  let best = 0;
  for (let v = 1; v < V; v++) if (logits.data[off + v] > logits.data[off + best]) best = v;
  return best;
}

async function vlm(modelDir, inDir, outDir) {
  const cfg = JSON.parse(fs.readFileSync(path.join(modelDir, 'config.json'), 'utf8'));
  const gen = JSON.parse(fs.readFileSync(path.join(modelDir, 'generation_config.json'), 'utf8'));
  const vis = await session(path.join(modelDir, 'onnx', 'vision_encoder.onnx'));
  const emb = await session(path.join(modelDir, 'onnx', 'embed_tokens.onnx'));
  const dec = await session(path.join(modelDir, 'onnx', 'decoder_model_merged.onnx'));
  const { pixel_values_videos, video_features, input_ids, video_index } = readTensors(inDir);
  const tc = cfg.text_config;
  const H = tc.hidden_size, L = tc.num_hidden_layers, kvh = tc.num_key_value_heads, hd = tc.head_dim ?? H / tc.num_attention_heads;
  const eos = new Set([].concat(gen.eos_token_id));
  const maxNew = gen.max_new_tokens;
  // the vision encoder over all videos, 16 at a time (or its output, when the caller already ran it)
  const nv = (video_features ?? pixel_values_videos).dims[0];
  const parts = [];
  if (video_features) parts.push(video_features);
  else for (let lo = 0; lo < nv; lo += 16) parts.push((await vis.run({ pixel_values_videos: slice0(pixel_values_videos, lo, Math.min(nv, lo + 16)) })).video_features);
  const S = parts[0].dims[1];
  const feats = new Float32Array(nv * S * H);
  let o = 0;
  for (const p of parts) { feats.set(p.data, o); o += p.data.length; }
  if (S !== cfg.video_seq_length) throw new Error(`video_features has ${S} tokens, config.video_seq_length ${cfg.video_seq_length}`);
  const [N, P] = input_ids.dims;
  const out = new BigInt64Array(N * maxNew).fill(-1n);
  const B = 32;
  for (let lo = 0; lo < N; lo += B) {
    const hi = Math.min(N, lo + B), b = hi - lo;
    const ids = slice0(input_ids, lo, hi);
    const { inputs_embeds } = await emb.run({ input_ids: ids });
    const e = inputs_embeds.data;
    for (let r = 0; r < b; r++) {
      const v = Number(video_index.data[lo + r]);
      let q = 0;
      for (let t = 0; t < P; t++) {
        if (Number(ids.data[r * P + t]) === cfg.video_token_index) {
          e.set(feats.subarray((v * S + q) * H, (v * S + q + 1) * H), (r * P + t) * H);
          q++;
        }
      }
      if (q !== S) throw new Error(`prompt ${lo + r} has ${q} video tokens, the vision encoder gives ${S}`);
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
      const res = await dec.run({ inputs_embeds: feedsEmb, attention_mask: mask, position_ids: new ort.Tensor('int64', pos, [b, T]), ...past });
      total += T;
      past = {};
      for (const k of Object.keys(res)) if (k.startsWith('present.')) past['past_key_values.' + k.slice(8)] = res[k];
      const next = [];
      for (let r = 0; r < b; r++) {
        const tkn = argmaxLast(res.logits, r);
        next.push(tkn);
        if (!done[r]) out[(lo + r) * maxNew + step] = BigInt(tkn);
        if (eos.has(tkn)) done[r] = true;
      }
      if (done.every(Boolean)) break;
      ({ inputs_embeds: feedsEmb } = await emb.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(next, BigInt), [b, 1]) }));
    }
  }
  writeTensors(outDir, { generated: new ort.Tensor('int64', out, [N, maxNew]), video_features: new ort.Tensor('float32', feats, [nv, S, H]) });
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'vlm') await vlm(...args);
else {
  console.error('usage: video-ort.mjs vlm <model_dir> <in_dir> <out_dir>');
  process.exit(2);
}

// Shared by vision-ort.mjs and video-ort.mjs: onnxruntime-node, the tensor folders the Python side writes
// (manifest.json {name: {dtype, dims, file}} + raw little-endian files) and the chat models' greedy loop.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'package.json'));
export const ort = require('onnxruntime-node');

const ARRAYS = { float32: Float32Array, int64: BigInt64Array, bool: Uint8Array, int32: Int32Array };

export function readTensors(dir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const out = {};
  for (const [name, { dtype, dims, file }] of Object.entries(manifest)) {
    const buf = fs.readFileSync(path.join(dir, file));
    const data = new ARRAYS[dtype](buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    out[name] = new ort.Tensor(dtype, data, dims);
  }
  return out;
}

export function writeTensors(dir, tensors) {
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

export const session = (p) => ort.InferenceSession.create(p, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });

export function slice0(t, lo, hi) {
  const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
  return new ort.Tensor(t.type, t.data.slice(lo * per, hi * per), [hi - lo, ...t.dims.slice(1)]);
}

export function concat0(ts) {
  const dims = [ts.reduce((a, t) => a + t.dims[0], 0), ...ts[0].dims.slice(1)];
  const Arr = ts[0].data.constructor;
  const data = new Arr(ts.reduce((a, t) => a + t.data.length, 0));
  let o = 0;
  for (const t of ts) { data.set(t.data, o); o += t.data.length; }
  return new ort.Tensor(ts[0].type, data, dims);
}

export function argmaxLast(logits, b) {
  // logits [B, T, V]: argmax over V at the last position of row b
  const [, T, V] = logits.dims;
  const off = (b * T + T - 1) * V;
  let best = 0;
  for (let v = 1; v < V; v++) if (logits.data[off + v] > logits.data[off + best]) best = v;
  return best;
}

// The LLaVA-style chat models (tiny-vlm, tiny-video-vlm): embed each prompt, replace its placeholder rows in order
// with the media features of its media row, run decoder_model_merged.onnx over the prompt with an empty past, then
// greedy one token at a time with the cache until eos. Returns int64 [N, maxNew], -1 after the end.
//   features: Float32Array [media, rows, hidden]; mediaIndex: int64 tensor [N]; inputIds: int64 tensor [N, P].
export async function greedyWithMedia({ emb, dec, cfg, eos, maxNew, inputIds, mediaToken, features, rows, mediaIndex, what }) {
  const tc = cfg.text_config;
  const H = tc.hidden_size, L = tc.num_hidden_layers, kvh = tc.num_key_value_heads, hd = tc.head_dim ?? H / tc.num_attention_heads;
  const [N, P] = inputIds.dims;
  const out = new BigInt64Array(N * maxNew).fill(-1n);
  // 32 prompts per run: with 64, onnxruntime-node 1.30's full graph optimization gave wrong tokens for 18% of the
  // 30-token prompts of the retrained tiny-vlm (batches of 7 or 32, or optimization disabled: identical to PyTorch).
  const B = 32;
  for (let lo = 0; lo < N; lo += B) {
    const hi = Math.min(N, lo + B), b = hi - lo;
    const ids = slice0(inputIds, lo, hi);
    const { inputs_embeds } = await emb.run({ input_ids: ids });
    const e = inputs_embeds.data;
    for (let r = 0; r < b; r++) {
      const m = Number(mediaIndex.data[lo + r]);
      let q = 0;
      for (let t = 0; t < P; t++) {
        if (Number(ids.data[r * P + t]) === mediaToken) {
          e.set(features.subarray((m * rows + q) * H, (m * rows + q + 1) * H), (r * P + t) * H);
          q++;
        }
      }
      if (q !== rows) throw new Error(`prompt ${lo + r} has ${q} ${what} tokens, the vision encoder gives ${rows}`);
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
  return out;
}

// ONNX side of the tiny-video-vlm evaluation (tools/zoo/video/eval_video_vlm.py): runs models/tiny-video-vlm's
// graphs with onnxruntime-node on tensors written by the Python side and writes the greedy answers back.
//
//   node video-ort.mjs vlm <model_dir> <in_dir> <out_dir>
// in_dir: pixel_values_videos float32 [V, F, 3, 64, 64] (or video_features [V, S, hidden]), input_ids int64 [N, L] (prompts of one length, <video>
// already expanded to video_seq_length copies), video_index int64 [N] (the video row of each prompt).
// out_dir: generated int64 [N, max_new_tokens] (-1 after the end), video_features float32 [V, S, hidden].
import fs from 'node:fs';
import path from 'node:path';
import { ort, readTensors, writeTensors, session, slice0, concat0, greedyWithMedia } from './ort-common.mjs';

async function vlm(modelDir, inDir, outDir) {
  const cfg = JSON.parse(fs.readFileSync(path.join(modelDir, 'config.json'), 'utf8'));
  const gen = JSON.parse(fs.readFileSync(path.join(modelDir, 'generation_config.json'), 'utf8'));
  const vis = await session(path.join(modelDir, 'onnx', 'vision_encoder.onnx'));
  const emb = await session(path.join(modelDir, 'onnx', 'embed_tokens.onnx'));
  const dec = await session(path.join(modelDir, 'onnx', 'decoder_model_merged.onnx'));
  const { pixel_values_videos, video_features, input_ids, video_index } = readTensors(inDir);
  const H = cfg.text_config.hidden_size;
  const eos = new Set([].concat(gen.eos_token_id));
  const maxNew = gen.max_new_tokens;
  // the vision encoder over all videos, 16 at a time (or its output, when the caller already ran it)
  const nv = (video_features ?? pixel_values_videos).dims[0];
  const parts = [];
  if (video_features) parts.push(video_features);
  else for (let lo = 0; lo < nv; lo += 16) parts.push((await vis.run({ pixel_values_videos: slice0(pixel_values_videos, lo, Math.min(nv, lo + 16)) })).video_features);
  const S = parts[0].dims[1];
  const feats = concat0(parts).data;
  if (S !== cfg.video_seq_length) throw new Error(`video_features has ${S} tokens, config.video_seq_length ${cfg.video_seq_length}`);
  const out = await greedyWithMedia({
    emb, dec, cfg, eos, maxNew, inputIds: input_ids, mediaToken: cfg.video_token_index, features: feats, rows: S,
    mediaIndex: video_index, what: 'video' });
  const N = input_ids.dims[0];
  writeTensors(outDir, { generated: new ort.Tensor('int64', out, [N, maxNew]), video_features: new ort.Tensor('float32', feats, [nv, S, H]) });
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'vlm') await vlm(...args);
else {
  console.error('usage: video-ort.mjs vlm <model_dir> <in_dir> <out_dir>');
  process.exit(2);
}

// transformers.js 4.3.x (tools/zoo/node_modules) on the contract stubs of tools/real/make_stubs.py: what it produces
// for each kit, as JSON on stdout, for tests/Multimodal.Sdk.RealModels.Tests to compare with the SDK.
//
//   node tools/real/transformersjs.mjs STUBS_DIR [kit ...]
//
// Per kit it records greedy token ids (Whisper, captions, chat), embeddings, zero-shot scores, and, where
// transformers.js cannot load or run a stub, the error it gives (docs/model-folders.md says why).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '..', '..');
const require = createRequire(path.join(root, 'tools', 'zoo', 'package.json'));
const tf = await import(require.resolve('@huggingface/transformers'));
const ort = require('onnxruntime-node');
const { readWav } = await import(path.join(root, 'tools', 'zoo', 'node', 'wav.mjs'));
const { env, AutoTokenizer, AutoProcessor, RawImage, Tensor, pipeline } = tf;
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.useBrowserCache = false;
env.useFSCache = false;

const [stubs, ...only] = process.argv.slice(2);
env.localModelPath = path.resolve(stubs) + '/';
const fixtures = path.join(root, 'tests', 'fixtures');
const image = (name) => path.join(fixtures, 'Imaging', name);
const IMAGES = ['photo_chelsea.png', 'photo_coffee.png', 'photo_rocket.jpg'];
const CLIP_TEXTS = ['a photo of a cat', 'a cup of coffee', 'a rocket on the launch pad', 'an astronaut', '',
  'Un gato durmiendo en el sofá', '一只猫', 'emoji 🚀🚀 and   spaces'];
const LABELS = ['cat', 'coffee', 'rocket', 'astronaut', 'dog'];
const ids = (t) => Array.from(t.data ?? t, Number);
const rows = (t) => { const [n, d] = t.dims; return Array.from({ length: n }, (_, i) => Array.from(t.data.subarray(i * d, (i + 1) * d))); };

// The Python reference's pixel_values (Pillow resize, tools/real/reference_pixels.py): transformers.js resizes with
// sharp, which is not Pillow, so its outputs are also recorded for these pixels (what the SDK must match within 1e-4).
function referencePixels(kit, files = IMAGES) {
  const out = path.join(env.localModelPath, '.pixels', kit);
  const python = process.env.MULTIMODAL_PYTHON || (fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
  execFileSync(python, [path.join(here, 'reference_pixels.py'), path.join(env.localModelPath, kit), out, ...files.map(image)]);
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  return Object.fromEntries(files.map((f) => {
    const b = fs.readFileSync(path.join(out, f + '.f32'));
    return [f, new Tensor('float32', new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)), [1, ...manifest[f]])];
  }));
}
const softmax = (x) => { const m = Math.max(...x); const e = x.map((v) => Math.exp(v - m)); const s = e.reduce((a, b) => a + b, 0); return e.map((v) => v / s); };
const attempt = async (fn) => { try { return await fn(); } catch (e) { return { error: String(e?.message ?? e).split('\n')[0] }; } };

async function clip(kit) {
  const dir = kit;
  const tokenizer = await AutoTokenizer.from_pretrained(dir);
  const processor = await AutoProcessor.from_pretrained(dir);
  const text = await tf.CLIPTextModelWithProjection.from_pretrained(dir, { dtype: 'fp32' });
  const vision = await tf.CLIPVisionModelWithProjection.from_pretrained(dir, { dtype: 'fp32' });
  const inputs = tokenizer(CLIP_TEXTS, { padding: true, truncation: true });
  const { text_embeds } = await text(inputs);
  const images = [];
  for (const f of IMAGES) {
    const { pixel_values } = await processor(await RawImage.read(image(f)));
    const { image_embeds } = await vision({ pixel_values });
    images.push({ file: f, embedding: Array.from(image_embeds.data) });
  }
  const long = 'a photo of ' + 'a very '.repeat(60) + 'long cat';
  const classify = await pipeline('zero-shot-image-classification', dir, { dtype: 'fp32' });
  const zeroShot = [];
  for (const f of IMAGES) {
    const out = await classify(image(f), LABELS, { hypothesis_template: 'a photo of a {}' });
    zeroShot.push({ file: f, ranking: out.map((o) => o.label), scores: out.map((o) => o.score) });
  }
  const pixels = referencePixels(kit);
  const imagesReference = [];
  for (const f of IMAGES) imagesReference.push({ file: f, embedding: Array.from((await vision({ pixel_values: pixels[f] })).image_embeds.data) });
  const clipModel = await tf.CLIPModel.from_pretrained(dir, { dtype: 'fp32' });
  const labels = tokenizer(LABELS.map((l) => `a photo of a ${l}`), { padding: true, truncation: true });
  const zeroShotReference = [];
  for (const f of IMAGES) {
    const { logits_per_image } = await clipModel({ ...labels, pixel_values: pixels[f] });
    const scores = softmax(Array.from(logits_per_image.data));
    const order = scores.map((s, i) => i).sort((a, b) => scores[b] - scores[a]);
    zeroShotReference.push({ file: f, ranking: order.map((i) => LABELS[i]), scores: order.map((i) => scores[i]) });
  }
  return {
    images_reference_pixels: imagesReference, zero_shot_reference_pixels: zeroShotReference,
    texts: CLIP_TEXTS.map((t, i) => ({ text: t, ids: tokenizer.encode(t), embedding: rows(text_embeds)[i] })),
    long_text: { text: long, ids: ids(tokenizer(long, { truncation: true }).input_ids) },
    images, zero_shot: zeroShot,
  };
}

async function whisper(kit) {
  const dir = kit;
  const out = { runs: [] };
  // the feature extractor alone: AutoProcessor also wants tokenizer_config.json, which the large-v3 kit lacks
  const processor = await tf.AutoFeatureExtractor.from_pretrained(dir);
  const model = await tf.WhisperForConditionalGeneration.from_pretrained(dir, { dtype: 'fp32' });
  out.tokenizer = await attempt(async () => { await AutoTokenizer.from_pretrained(dir); return 'loads'; });
  // large-v3's caches are 32 layers deep: one clip keeps the run short
  for (const clip of kit.includes('large') ? ['en_short.wav'] : ['en_short.wav', 'es_short.wav']) {
    const audio = readWav(path.join(fixtures, 'speech', clip));
    const { input_features } = await processor(audio);
    for (const [language, task, timestamps] of [['en', 'transcribe', false], ['es', 'translate', false], ['en', 'transcribe', true]]) {
      const r = await attempt(async () => {
        const seq = await model.generate({ input_features, language, task, return_timestamps: timestamps, max_new_tokens: 24 });
        return { ids: ids(seq.tolist()[0]) };
      });
      out.runs.push({ clip, language, task, timestamps, ...r });
    }
    // language detection as openai/whisper does it (transformers.js 4.3 has none): the encoder, then one decoder
    // step on <|startoftranscript|> through onnxruntime-node, argmax over the language tokens.
    out.runs.push({ clip, detect: await detect(dir, input_features) });
  }
  return out;
}

const sessions = new Map();
const session = async (file) => { if (!sessions.has(file)) sessions.set(file, await ort.InferenceSession.create(file)); return sessions.get(file); };

async function detect(dir, features) {
  const folder = path.join(env.localModelPath, dir);
  const encoder = await session(path.join(folder, 'onnx', 'encoder_model.onnx'));
  const decoder = await session(path.join(folder, 'onnx', 'decoder_model_merged.onnx'));
  const enc = await encoder.run({ input_features: new ort.Tensor('float32', features.data, features.dims) });
  const gen = JSON.parse(fs.readFileSync(path.join(folder, 'generation_config.json'), 'utf8'));
  const feeds = { input_ids: new ort.Tensor('int64', BigInt64Array.from([BigInt(gen.decoder_start_token_id)]), [1, 1]),
    encoder_hidden_states: enc.last_hidden_state, use_cache_branch: new ort.Tensor('bool', [false], [1]) };
  const heads = JSON.parse(fs.readFileSync(path.join(folder, 'config.json'), 'utf8')).decoder_attention_heads;
  for (const name of decoder.inputNames.filter((n) => n.startsWith('past_key_values.'))) {
    feeds[name] = new ort.Tensor('float32', new Float32Array(0), [1, heads, 0, 64]);
  }
  const logits = (await decoder.run(feeds)).logits.data;
  let best = null;
  for (const [tok, id] of Object.entries(gen.lang_to_id)) if (best === null || logits[id] > logits[gen.lang_to_id[best]]) best = tok;
  return best;
}

async function captioner(kit) {
  const caption = await pipeline('image-to-text', kit, { dtype: 'fp32' });
  const out = [];
  for (const f of IMAGES) {
    const { pixel_values } = await caption.processor(await RawImage.read(image(f)));
    const seq = await caption.model.generate({ pixel_values, max_new_tokens: 20 });
    out.push({ file: f, ids: ids(seq.tolist()[0]), text: caption.tokenizer.decode(seq.tolist()[0], { skip_special_tokens: true }) });
  }
  const pixels = referencePixels(kit);
  const reference = [];
  for (const f of IMAGES) {
    const seq = await caption.model.generate({ pixel_values: pixels[f], max_new_tokens: 20 });
    reference.push({ file: f, ids: ids(seq.tolist()[0]), text: caption.tokenizer.decode(seq.tolist()[0], { skip_special_tokens: true }) });
  }
  return { captions: out, captions_reference_pixels: reference };
}

async function chat(kit) {
  const processor = await AutoProcessor.from_pretrained(kit);
  const messages = [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What is in this image?' }] }];
  // transformers.js reads the chat template from tokenizer_config.json only; llava-1.5 keeps it in chat_template.json
  const folder = path.join(env.localModelPath, kit);
  const file = path.join(folder, 'chat_template.json');
  const chat_template = processor.tokenizer.chat_template ?? (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')).chat_template : undefined);
  const prompt = processor.tokenizer.apply_chat_template(messages, { tokenize: false, add_generation_prompt: true, chat_template });
  const img = await RawImage.read(image(IMAGES[0]));
  const inputs = await attempt(async () => (kit.startsWith('llava') ? processor([img], prompt) : processor(prompt, [img])));
  const result = { prompt };
  if (inputs.error) return { ...result, processor_error: inputs.error };
  const imageToken = JSON.parse(fs.readFileSync(path.join(env.localModelPath, kit, 'config.json'), 'utf8'));
  const tokenId = imageToken.image_token_index ?? imageToken.image_token_id;
  result.input_ids = ids(inputs.input_ids.data);
  result.image_tokens = result.input_ids.filter((t) => t === tokenId).length;
  result.pixel_values_dims = inputs.pixel_values.dims;
  const model = await attempt(() => tf.AutoModelForImageTextToText.from_pretrained(kit, { dtype: 'fp32' }));
  if (model.error) return { ...result, error: model.error };
  const run = async (feeds) => attempt(async () => {
    const seq = await model.generate({ ...feeds, max_new_tokens: 8, do_sample: false });
    return { ids: ids(seq.tolist()[0]).slice(feeds.input_ids.dims.at(-1)) };
  });
  const generated = await run(inputs);
  if (generated.error && result.image_tokens === 577) {
    // llava-1.5: transformers.js expands <image> to 577 tokens where LlavaProcessor gives 576; drop one and retry, so
    // the rest of its pipeline (cache set-up, generation) is still compared
    const at = result.input_ids.indexOf(tokenId);
    const fixed = result.input_ids.filter((_, i) => i !== at);
    const n = fixed.length;
    result.retry_with_576 = await run({ ...inputs, input_ids: new Tensor('int64', BigInt64Array.from(fixed.map(BigInt)), [1, n]),
      attention_mask: new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]) });
  }
  if (kit.includes('SmolVLM')) Object.assign(result, await idefics3(kit, processor, prompt, inputs, run));
  return { ...result, ...generated };
}

// Idefics3 (SmolVLM): the expanded ids for images of several sizes, and greedy tokens with the Python reference's
// pixel_values (Pillow LANCZOS on 8-bit images; transformers.js resizes normalized floats bilinearly, so its own
// pixel_values differ: the largest difference is recorded for docs/model-folders.md).
async function idefics3(kit, processor, prompt, inputs, run) {
  // the parity images all split 3 x 4; 129 x 97 splits 4 x 4 (its longest edge goes up to 2048 and the other to 1540)
  const files = ['syn_mid_129x97.png'];
  const prompts = [];
  for (const f of files) {
    const x = await processor(prompt, [await RawImage.read(image(f))]);
    prompts.push({ file: f, input_ids: ids(x.input_ids.data), pixel_values_dims: x.pixel_values.dims, rows: x.rows?.[0]?.[0], cols: x.cols?.[0]?.[0] });
  }
  const pixels = referencePixels(kit, [IMAGES[0]]);
  const mine = inputs.pixel_values.data;
  const ref = pixels[IMAGES[0]].data;
  let diff = 0;
  for (let i = 0; i < ref.length; i++) diff = Math.max(diff, Math.abs(ref[i] - mine[i]));
  const generated = await run({ ...inputs, pixel_values: pixels[IMAGES[0]] });
  return { prompts, pixel_values_max_diff_from_reference: diff, reference_pixels: generated };
}

const KITS = {
  'Xenova__clip-vit-base-patch32': clip,
  'openai__whisper-base': whisper,
  'openai__whisper-large-v3': whisper,
  'Xenova__vit-gpt2-image-captioning': captioner,
  'llava-hf__llava-1.5-7b-hf': chat,
  'HuggingFaceTB__SmolVLM-256M-Instruct': chat,
};

const report = { transformers_js: tf.env.version, onnxruntime_node: ort.env.versions?.node ?? ort.env.versions?.common };
for (const kit of only.length ? only : Object.keys(KITS)) {
  if (!fs.existsSync(path.join(env.localModelPath, kit))) { report[kit] = { error: 'no stub folder' }; continue; }
  const t = Date.now();
  report[kit] = await attempt(() => KITS[kit](kit));
  report[kit].seconds = (Date.now() - t) / 1000;
}
console.log(JSON.stringify(report));

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
  return {
    texts: CLIP_TEXTS.map((t, i) => ({ text: t, ids: tokenizer.encode(t), embedding: rows(text_embeds)[i] })),
    long_text: { text: long, ids: ids(tokenizer(long, { truncation: true }).input_ids) },
    images, zero_shot: zeroShot,
  };
}

async function whisper(kit) {
  const dir = kit;
  const processor = await AutoProcessor.from_pretrained(dir);
  const model = await tf.WhisperForConditionalGeneration.from_pretrained(dir, { dtype: 'fp32' });
  const out = { runs: [] };
  for (const clip of ['en_short.wav', 'es_short.wav']) {
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

async function detect(dir, features) {
  const folder = path.join(env.localModelPath, dir);
  const encoder = await ort.InferenceSession.create(path.join(folder, 'onnx', 'encoder_model.onnx'));
  const decoder = await ort.InferenceSession.create(path.join(folder, 'onnx', 'decoder_model_merged.onnx'));
  const enc = await encoder.run({ input_features: new ort.Tensor('float32', features.data, features.dims) });
  const gen = JSON.parse(fs.readFileSync(path.join(folder, 'generation_config.json'), 'utf8'));
  const feeds = { input_ids: new ort.Tensor('int64', BigInt64Array.from([BigInt(gen.decoder_start_token_id)]), [1, 1]),
    encoder_hidden_states: enc.last_hidden_state, use_cache_branch: new ort.Tensor('bool', [false], [1]) };
  for (const name of decoder.inputNames.filter((n) => n.startsWith('past_key_values.'))) {
    const heads = Number(name.match(/^past_key_values\.\d+/) && (decoder.inputMetadata?.find?.((m) => m.name === name)?.shape?.[1]));
    feeds[name] = new ort.Tensor('float32', new Float32Array(0), [1, heads || headsOf(folder), 0, 64]);
  }
  const logits = (await decoder.run(feeds)).logits.data;
  let best = null;
  for (const [tok, id] of Object.entries(gen.lang_to_id)) if (best === null || logits[id] > logits[gen.lang_to_id[best]]) best = tok;
  return best;
}

function headsOf(folder) {
  return JSON.parse(fs.readFileSync(path.join(folder, 'config.json'), 'utf8')).decoder_attention_heads;
}

async function captioner(kit) {
  const caption = await pipeline('image-to-text', kit, { dtype: 'fp32' });
  const out = [];
  for (const f of IMAGES) {
    const { pixel_values } = await caption.processor(await RawImage.read(image(f)));
    const seq = await caption.model.generate({ pixel_values, max_new_tokens: 20 });
    out.push({ file: f, ids: ids(seq.tolist()[0]), text: caption.tokenizer.decode(seq.tolist()[0], { skip_special_tokens: true }) });
  }
  return { captions: out };
}

async function chat(kit) {
  const processor = await AutoProcessor.from_pretrained(kit);
  const messages = [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What is in this image?' }] }];
  const prompt = processor.apply_chat_template ? processor.apply_chat_template(messages, { add_generation_prompt: true })
    : processor.tokenizer.apply_chat_template(messages, { tokenize: false, add_generation_prompt: true });
  const img = await RawImage.read(image(IMAGES[0]));
  const inputs = await attempt(async () => processor(prompt, [img]));
  const result = { prompt };
  if (inputs.error) return { ...result, processor_error: inputs.error };
  const imageToken = JSON.parse(fs.readFileSync(path.join(env.localModelPath, kit, 'config.json'), 'utf8'));
  const tokenId = imageToken.image_token_index ?? imageToken.image_token_id;
  result.input_ids = ids(inputs.input_ids.data);
  result.image_tokens = result.input_ids.filter((t) => t === tokenId).length;
  result.pixel_values_dims = inputs.pixel_values.dims;
  const generated = await attempt(async () => {
    const model = await tf.AutoModelForImageTextToText.from_pretrained(kit, { dtype: 'fp32' });
    const seq = await model.generate({ ...inputs, max_new_tokens: 8, do_sample: false });
    return { ids: ids(seq.tolist()[0]).slice(result.input_ids.length) };
  });
  return { ...result, ...generated };
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

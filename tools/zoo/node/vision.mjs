// Independent consumer of the vision zoo: loads models/tiny-* offline with transformers.js 4.x
// (its own tokenizers, image processors, generation loops) and compares with the PyTorch results
// written by tools/zoo/vision/train_*.py into .zoo-data/. Prints a JSON report.
//
//   node tools/zoo/node/vision.mjs clip|captioner|vlm [count]
import fs from 'node:fs';
import path from 'node:path';
import {
  env,
  AutoTokenizer,
  AutoProcessor,
  CLIPVisionModelWithProjection,
  CLIPTextModelWithProjection,
  RawImage,
  pipeline,
  AutoModelForVision2Seq,
  LlavaForConditionalGeneration,
} from '@huggingface/transformers';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '..', '..', '..');
const models = path.join(root, 'models');
const data = path.join(root, '.zoo-data');
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = models + '/';
env.useBrowserCache = false;
env.useFSCache = false;

const heldout = path.join(data, 'heldout-s1001');
const labels = fs.readFileSync(path.join(heldout, 'labels.jsonl'), 'utf8').trim().split('\n').map(JSON.parse);

function readTensors(dir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const out = {};
  for (const [name, { dtype, dims, file }] of Object.entries(manifest)) {
    const buf = fs.readFileSync(path.join(dir, file));
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    out[name] = { dims, data: dtype === 'int64' ? new BigInt64Array(ab) : new Float32Array(ab) };
  }
  return out;
}

const cosine = (a, b) => {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
  return ab / Math.sqrt(aa * bb);
};
const row = (t, i) => t.data.subarray(i * t.dims.at(-1), (i + 1) * t.dims.at(-1));
const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

async function clip(count) {
  const dir = path.join(models, 'tiny-clip');
  const ref = JSON.parse(fs.readFileSync(path.join(data, 'tiny-clip-onnx', 'texts.json'), 'utf8'));
  const torch = readTensors(path.join(data, 'tiny-clip-onnx', 'torch'));
  const tokenizer = await AutoTokenizer.from_pretrained(dir);
  let tokOk = 0;
  for (let i = 0; i < ref.texts.length; i++) {
    const ids = tokenizer.encode(ref.texts[i]);
    if (same(ids, ref.ids[i])) tokOk++;
    else if (tokOk === i) console.error('tokenizer mismatch', ref.texts[i], ids, ref.ids[i]);
  }
  const processor = await AutoProcessor.from_pretrained(dir);
  const vision = await CLIPVisionModelWithProjection.from_pretrained(dir, { dtype: 'fp32' });
  const text = await CLIPTextModelWithProjection.from_pretrained(dir, { dtype: 'fp32' });
  const imgCos = [], pngCos = [], jpgCos = [], refPxCos = [];
  const refPx = readTensors(path.join(data, 'tiny-clip-onnx', 'in_img')).pixel_values;
  const { Tensor } = await import('@huggingface/transformers');
  for (let i = 0; i < count; i++) {
    const image = await RawImage.read(path.join(heldout, labels[i].file));
    const { pixel_values } = await processor(image);
    const { image_embeds } = await vision({ pixel_values });
    const c = cosine(image_embeds.data, row(torch.image_embeds, i));
    imgCos.push(c);
    (labels[i].file.endsWith('.png') ? pngCos : jpgCos).push(c);
    // the same model fed the Pillow reference pixels: isolates preprocessing from the graph
    const per = 3 * 64 * 64;
    const px = new Tensor('float32', refPx.data.slice(i * per, (i + 1) * per), [1, 3, 64, 64]);
    refPxCos.push(cosine((await vision({ pixel_values: px })).image_embeds.data, row(torch.image_embeds, i)));
  }
  const stats = (a) => ({ n: a.length, min: Math.min(...a), mean: a.reduce((x, y) => x + y, 0) / a.length,
    ge_0_999: a.filter((c) => c >= 0.999).length });
  const txt = tokenizer(ref.texts, { padding: true, truncation: true });
  const { text_embeds } = await text(txt);
  const txtCos = ref.texts.map((_, i) => cosine(row(text_embeds, i), row(torch.text_embeds, i)));
  // the zero-shot pipeline end to end (its own prompt formatting: hypothesis_template)
  const classify = await pipeline('zero-shot-image-classification', dir, { dtype: 'fp32' });
  const names = ref.labels.map((l) => l.replace('a photo of a ', ''));
  const refPred = JSON.parse(fs.readFileSync(path.join(root, 'models', 'tiny-clip', 'eval.json'), 'utf8')).zero_shot_predictions;
  let zsN = 0, zsOk = 0, zsSame = 0;
  for (let i = 0; i < count; i++) {
    if (labels[i].objects.length !== 1) continue;
    const o = labels[i].objects[0];
    const out = await classify(path.join(heldout, labels[i].file), names, { hypothesis_template: 'a photo of a {}' });
    if (refPred && out[0].label === names[refPred[zsN]]) zsSame++;
    zsN++;
    if (out[0].label === `${o.colour} ${o.shape}`) zsOk++;
  }
  return {
    model: 'tiny-clip',
    tokenizer_identical: `${tokOk}/${ref.texts.length}`,
    image_embeds_cosine_from_files: stats(imgCos),
    image_embeds_cosine_png_files: stats(pngCos),
    image_embeds_cosine_jpeg_files: stats(jpgCos),
    image_embeds_cosine_given_reference_pixels: stats(refPxCos),
    text_embeds_cosine_min: Math.min(...txtCos),
    zero_shot_pipeline_top1: zsOk / zsN,
    zero_shot_pipeline_same_label_as_pytorch: zsSame / zsN,
    zero_shot_pipeline_images: zsN,
  };
}

async function captioner(count) {
  const dir = path.join(models, 'tiny-captioner');
  const ref = JSON.parse(fs.readFileSync(path.join(data, 'tiny-captioner-preds.json'), 'utf8'));
  const caption = await pipeline('image-to-text', dir, { dtype: 'fp32' });
  let same = 0, exact = 0;
  const diffs = [];
  for (let i = 0; i < count; i++) {
    const [out] = await caption(path.join(heldout, labels[i].file), { max_new_tokens: 24 });
    const text = out.generated_text.trim();
    if (text === ref.pytorch[i]) same++;
    else if (diffs.length < 5) diffs.push({ file: labels[i].file, transformers_js: text, pytorch: ref.pytorch[i] });
    if (text === labels[i].caption) exact++;
  }
  // the same graphs through model.generate, fed the Pillow reference pixels (isolates preprocessing)
  const { Tensor } = await import('@huggingface/transformers');
  const refPx = readTensors(path.join(data, 'tiny-captioner-onnx', 'in')).pixel_values;
  const model = await AutoModelForVision2Seq.from_pretrained(dir, { dtype: 'fp32' });
  const per = 3 * 64 * 64;
  let sameRef = 0;
  for (let i = 0; i < count; i++) {
    const px = new Tensor('float32', refPx.data.slice(i * per, (i + 1) * per), [1, 3, 64, 64]);
    const out = await model.generate({ pixel_values: px, max_new_tokens: 24 });
    const text = caption.tokenizer.decode(out.tolist()[0], { skip_special_tokens: true }).trim();
    if (text === ref.pytorch[i]) sameRef++;
  }
  return {
    model: 'tiny-captioner',
    images: count,
    identical_to_pytorch_given_reference_pixels: sameRef / count,
    identical_to_pytorch_from_files: same / count,
    exact_match_vs_canonical_from_files: exact / count,
    first_differences: diffs,
  };
}

async function vlm(count) {
  const dir = path.join(models, 'tiny-vlm');
  const ref = JSON.parse(fs.readFileSync(path.join(data, 'tiny-vlm-preds.json'), 'utf8'));
  const processor = await AutoProcessor.from_pretrained(dir);
  const model = await LlavaForConditionalGeneration.from_pretrained(dir, { dtype: 'fp32' });
  const tokenizer = processor.tokenizer;
  let same = 0, correct = 0, n = 0, templateOk = 0, sameRef = 0;
  const diffs = [];
  const cache = new Map();
  const { Tensor } = await import('@huggingface/transformers');
  const refPx = readTensors(path.join(data, 'tiny-vlm-onnx', fs.readdirSync(path.join(data, 'tiny-vlm-onnx')).find((d) => d.startsWith('in_')))).pixel_values;
  const per = 3 * 64 * 64;
  for (let k = 0; k < ref.items.length && n < count; k++) {
    const [i, question, answer] = ref.items[k];
    if (i >= labels.length) break;
    const messages = [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: question }] }];
    const prompt = tokenizer.apply_chat_template(messages, { tokenize: false, add_generation_prompt: true });
    if (prompt === `<|im_start|>user\n<image>${question}<|im_end|>\n<|im_start|>assistant\n`) templateOk++;
    let image = cache.get(i);
    if (!image) { image = await RawImage.read(path.join(heldout, labels[i].file)); cache.set(i, image); }
    const inputs = await processor(image, prompt);
    const out = await model.generate({ ...inputs, max_new_tokens: 16, do_sample: false });
    const prompt_len = inputs.input_ids.dims.at(-1);
    const text = tokenizer.decode(out.slice(null, [prompt_len, null]).tolist()[0], { skip_special_tokens: true }).trim();
    // the same prompt with the Pillow reference pixels (isolates image preprocessing)
    const px = new Tensor('float32', refPx.data.slice(i * per, (i + 1) * per), [1, 3, 64, 64]);
    const out2 = await model.generate({ ...inputs, pixel_values: px, max_new_tokens: 16, do_sample: false });
    const text2 = tokenizer.decode(out2.slice(null, [prompt_len, null]).tolist()[0], { skip_special_tokens: true }).trim();
    if (text2 === ref.pytorch[k]) sameRef++;
    n++;
    if (text === ref.pytorch[k]) same++;
    else if (diffs.length < 5) diffs.push({ file: labels[i].file, question, transformers_js: text, pytorch: ref.pytorch[k] });
    if (text === answer) correct++;
  }
  return {
    model: 'tiny-vlm',
    questions: n,
    chat_template_renders_expected_prompt: `${templateOk}/${n}`,
    identical_to_pytorch_given_reference_pixels: sameRef / n,
    identical_to_pytorch_from_files: same / n,
    accuracy_from_files: correct / n,
    first_differences: diffs,
  };
}

const [what, n] = process.argv.slice(2);
const count = Number(n ?? 200);
const report = what === 'clip' ? await clip(count) : what === 'captioner' ? await captioner(count) : await vlm(count);
console.log(JSON.stringify(report, null, 2));

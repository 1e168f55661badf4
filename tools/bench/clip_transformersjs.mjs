// CLIP image and text embeddings of committed fixtures by transformers.js (the independent JS implementation of the
// same export contract), for the SDK's parity test (tests/Multimodal.Sdk.Vision.Tests/Clip/ClipTransformersJsParityTests.cs).
//
//   node tools/bench/clip_transformersjs.mjs > tests/fixtures/Vision/clip_transformersjs.json
//
// Images: tests/fixtures/Vision/shapes-s1001 (the files clip_reference.json has PyTorch embeddings of) and their
// 64 x 64 crops in tests/fixtures/Vision/clip-64 (tools/bench/clip_crops.py); texts: the
// zero-shot prompts of the shapes world and a few captions. Embeddings are L2-normalized, rounded to 7 digits.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '..', '..');
const require = createRequire(path.join(root, 'tools', 'zoo', 'package.json'));
const { env, AutoTokenizer, AutoProcessor, CLIPVisionModelWithProjection, CLIPTextModelWithProjection, RawImage } =
  await import(require.resolve('@huggingface/transformers'));
const version = JSON.parse(fs.readFileSync(path.join(root, 'tools', 'zoo', 'node_modules', '@huggingface', 'transformers', 'package.json'), 'utf8')).version;
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.useBrowserCache = false;
env.useFSCache = false;

const model = path.join(root, 'models', 'tiny-clip');
const fixtures = path.join(root, 'tests', 'fixtures', 'Vision');
const colours = ['red', 'green', 'blue', 'yellow', 'purple', 'orange', 'white', 'black'];
const shapes = ['circle', 'square', 'triangle', 'star', 'cross'];
const texts = [
  ...colours.flatMap((c) => shapes.map((s) => `a photo of a ${c} ${s}`)),
  'a small green star', 'a large white triangle', 'a red circle to the left of a blue square', 'a yellow cross above a black star',
];

const normalized = (data) => {
  const norm = Math.sqrt(data.reduce((s, v) => s + v * v, 0));
  return Array.from(data, (v) => Number((v / norm).toFixed(7)));
};

const processor = await AutoProcessor.from_pretrained(model);
const vision = await CLIPVisionModelWithProjection.from_pretrained(model, { dtype: 'fp32' });
async function embedImages(folder) {
  const embeds = {};
  for (const file of fs.readdirSync(folder).filter((f) => /\.(png|jpg)$/.test(f)).sort()) {
    const { pixel_values } = await processor(await RawImage.read(path.join(folder, file)));
    embeds[file] = normalized((await vision({ pixel_values })).image_embeds.data);
  }
  return embeds;
}

const tokenizer = await AutoTokenizer.from_pretrained(model);
const text = await CLIPTextModelWithProjection.from_pretrained(model, { dtype: 'fp32' });
const { text_embeds } = await text(tokenizer(texts, { padding: true, truncation: true }));
const dim = text_embeds.dims.at(-1);
const textEmbeds = Object.fromEntries(texts.map((t, i) => [t, normalized(text_embeds.data.subarray(i * dim, (i + 1) * dim))]));

console.log(JSON.stringify({
  description: `tiny-clip embeddings (L2-normalized) by transformers.js ${version} on Node ${process.version}: ` +
    'AutoProcessor + CLIPVisionModelWithProjection on the files of shapes-s1001, AutoTokenizer (padding) + ' +
    'CLIPTextModelWithProjection; tools/bench/clip_transformersjs.mjs',
  // the original files (resized by transformers.js with sharp) and their 64 x 64 Pillow crops (no resize anywhere)
  images: await embedImages(path.join(fixtures, 'shapes-s1001')),
  images_64: await embedImages(path.join(fixtures, 'clip-64')),
  texts: textEmbeds,
}, null, 1));

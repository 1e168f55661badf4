// The transformers.js side of tools/bench/vision.sh: zero-shot classification at batch 1, 8 and 32 and greedy
// captioning with transformers.js 4.x pipelines on the bundled model folders (offline, local paths) and the same
// image files the .NET side reads. Prints one JSON object.
//
//   node tools/bench/vision.mjs [--images DIR] [--count N] [--rounds R]
//
// Each measurement runs every image once as warm-up, then R rounds; the best round is reported, as on the .NET side.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '..', '..');
// transformers.js is installed for the zoo tools (tools/zoo/node_modules); resolve it from there.
const require = createRequire(path.join(root, 'tools', 'zoo', 'package.json'));
const { env, pipeline } = await import(require.resolve('@huggingface/transformers'));
const transformersVersion = JSON.parse(fs.readFileSync(path.join(root, 'tools', 'zoo', 'node_modules', '@huggingface', 'transformers', 'package.json'), 'utf8')).version;

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = path.join(root, 'models') + '/';
env.useBrowserCache = false;
env.useFSCache = false;

const option = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const imagesDir = path.resolve(option('--images', path.join(root, 'tests', 'fixtures', 'Vision', 'shapes-s2027')));
const count = Number(option('--count', '64'));
const rounds = Number(option('--rounds', '3'));
// ordinal (byte) order, as the .NET side sorts
const files = fs.readdirSync(imagesDir).filter((f) => f.endsWith('.png') || f.endsWith('.jpg'))
  .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, count).map((f) => path.join(imagesDir, f));

async function bestOf(work) {
  await work();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    await work();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return best;
}

const colours = ['red', 'green', 'blue', 'yellow', 'purple', 'orange', 'white', 'black'];
const shapes = ['circle', 'square', 'triangle', 'star', 'cross'];
const labels = colours.flatMap((c) => shapes.map((s) => `${c} ${s}`));
const report = { runtime: 'node', transformers_js: transformersVersion, node: process.version, images: files.length, rounds, processors: os.cpus().length };

let t0 = performance.now();
const classify = await pipeline('zero-shot-image-classification', path.join(root, 'models', 'tiny-clip'), { dtype: 'fp32' });
report.clip_load_ms = performance.now() - t0;
const predictions = new Array(files.length);
const classifyAll = async (batch) => {
  for (let start = 0; start < files.length; start += batch) {
    const chunk = files.slice(start, start + batch);
    let out = await classify(chunk, labels, { hypothesis_template: 'a photo of a {}' });
    if (chunk.length === 1) out = [out];
    out.forEach((o, i) => { predictions[start + i] = [path.basename(chunk[i]), o[0].label]; });
  }
};
// every path once before anything is timed, as on the .NET side
for (const batch of [1, 8, 32]) await classifyAll(batch);
for (const batch of [1, 8, 32]) {
  report[`zero_shot_batch${batch}_images_per_s`] = files.length / await bestOf(() => classifyAll(batch));
}
report.zero_shot_predictions = predictions;

t0 = performance.now();
const caption = await pipeline('image-to-text', path.join(root, 'models', 'tiny-captioner'), { dtype: 'fp32' });
report.captioner_load_ms = performance.now() - t0;
const captions = new Array(files.length);
const captionSeconds = await bestOf(async () => {
  for (let i = 0; i < files.length; i++) {
    const [out] = await caption(files[i], { max_new_tokens: 24 });
    captions[i] = [path.basename(files[i]), out.generated_text.trim()];
  }
});
report.caption_batch1_captions_per_s = files.length / captionSeconds;
const captionBatchSeconds = await bestOf(async () => {
  for (let start = 0; start < files.length; start += 16) {
    await caption(files.slice(start, start + 16), { max_new_tokens: 24 });
  }
});
report.caption_batch16_captions_per_s = files.length / captionBatchSeconds;
report.captions = captions;
console.log(JSON.stringify(report));

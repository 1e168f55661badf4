// The transformers.js side of tools/bench/mm.sh, as one whole process per task like `mm classify` / `mm caption`:
// start, load the pipeline from the bundled model folder, run every image of a folder at the pipeline's best batch
// size (32 for zero-shot, 16 for captions, as in tools/bench/vision.mjs), write one JSON line per image.
//
//   node tools/bench/mm_transformersjs.mjs classify|caption DIR > results.jsonl
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '..', '..');
const require = createRequire(path.join(root, 'tools', 'zoo', 'package.json'));
const { env, pipeline } = await import(require.resolve('@huggingface/transformers'));
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = path.join(root, 'models') + '/';
env.useBrowserCache = false;
env.useFSCache = false;

const [task, dir] = process.argv.slice(2);
// ordinal (byte) order, as mm sorts a directory
const files = fs.readdirSync(dir).filter((f) => /\.(png|jpe?g)$/.test(f))
  .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((f) => path.join(dir, f));
const colours = ['red', 'green', 'blue', 'yellow', 'purple', 'orange', 'white', 'black'];
const shapes = ['circle', 'square', 'triangle', 'star', 'cross'];
const labels = colours.flatMap((c) => shapes.map((s) => `${c} ${s}`));
const lines = [];
if (task === 'classify') {
  const classify = await pipeline('zero-shot-image-classification', path.join(root, 'models', 'tiny-clip'), { dtype: 'fp32' });
  for (let start = 0; start < files.length; start += 32) {
    const chunk = files.slice(start, start + 32);
    let out = await classify(chunk, labels, { hypothesis_template: 'a photo of a {}' });
    if (chunk.length === 1) out = [out];
    out.forEach((o, i) => lines.push(JSON.stringify({ image: chunk[i], labels: o })));
  }
} else if (task === 'caption') {
  const caption = await pipeline('image-to-text', path.join(root, 'models', 'tiny-captioner'), { dtype: 'fp32' });
  for (let start = 0; start < files.length; start += 16) {
    const chunk = files.slice(start, start + 16);
    let out = await caption(chunk, { max_new_tokens: 24 });
    if (chunk.length === 1) out = [out];
    out.forEach((o, i) => lines.push(JSON.stringify({ image: chunk[i], caption: o[0].generated_text.trim() })));
  }
} else {
  console.error('usage: node tools/bench/mm_transformersjs.mjs classify|caption DIR');
  process.exit(2);
}
process.stdout.write(lines.join('\n') + '\n');

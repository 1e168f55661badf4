// Prints tools/bench/vision.sh's comparison table from the two JSON reports (SDK first, transformers.js second).
import fs from 'node:fs';

const [sdk, js] = process.argv.slice(2).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
const rows = [
  ['zero-shot, batch 1 (images/s)', 'zero_shot_batch1_images_per_s'],
  ['zero-shot, batch 8 (images/s)', 'zero_shot_batch8_images_per_s'],
  ['zero-shot, batch 32 (images/s)', 'zero_shot_batch32_images_per_s'],
  ['caption greedy, one image per call (captions/s)', 'caption_batch1_captions_per_s'],
  ['caption greedy, 16 images per call (captions/s)', 'caption_batch16_captions_per_s'],
  ['load tiny-clip (ms)', 'clip_load_ms'],
  ['load tiny-captioner (ms)', 'captioner_load_ms'],
];
const f = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
console.log(`${sdk.images} images, best of ${sdk.rounds} rounds; transformers.js ${js.transformers_js} on Node ${js.node}; ${sdk.processors} cores`);
console.log('| what | SDK (.NET) | transformers.js | SDK / transformers.js |');
console.log('|---|---:|---:|---:|');
for (const [name, key] of rows) {
  const ratio = key.endsWith('_ms') ? js[key] / sdk[key] : sdk[key] / js[key];
  console.log(`| ${name} | ${f(sdk[key])} | ${f(js[key])} | ${ratio.toFixed(2)}x |`);
}
const agree = (a, b) => a.filter((x, i) => x[1] === b[i][1]).length;
console.log(`\nsame zero-shot top-1 label: ${agree(sdk.zero_shot_predictions, js.zero_shot_predictions)}/${sdk.images}; ` +
  `same caption: ${agree(sdk.captions, js.captions)}/${sdk.images}`);
const s = sdk.stages_ms_per_image;
console.log('\nSDK stages, ms per image:');
for (const [k, v] of Object.entries(s)) console.log(`  ${k.padEnd(40)} ${v.toFixed(3)}`);
const pre = s.read_file + s.decode + s.caption_resize;
const rest = sdk.caption_ms_per_image_batch1 - pre - s.caption_vision_encoder_batch1;
console.log(`  ${'caption total (batch 1)'.padEnd(40)} ${sdk.caption_ms_per_image_batch1.toFixed(3)}`);
console.log(`  ${'  of which decoder steps + detokenize'.padEnd(40)} ${rest.toFixed(3)} (total - read - decode - resize/normalize - encoder)`);

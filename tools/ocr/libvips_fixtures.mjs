// Writes tests/fixtures/ocr/libvips: strips cut from the rendered set and what sharp 0.33 (libvips 8.15) makes of them
// with the calls @gutenye/ocr-node makes (RGBA raw input, resize({ height: 48, fit: 'contain' })), so that the SDK's
// VipsResampler can be checked byte for byte without node:   node tools/ocr/libvips_fixtures.mjs
import fs from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
const out = path.join(root, 'tests/fixtures/ocr/libvips')
fs.mkdirSync(out, { recursive: true })
// [source image, left, top, width, height]: heights below, at and above 48, and shrinks past 2 (a 13-point mask).
const strips = [
  ['000.png', 10, 30, 300, 20],
  ['005.png', 0, 40, 401, 31],
  ['012.png', 7, 33, 263, 47],
  ['022.png', 3, 50, 330, 49],
  ['031.png', 0, 20, 520, 77],
  ['042.png', 11, 9, 377, 64],
  ['044.png', 0, 100, 611, 130],
]
const manifest = []
for (const [image, left, top, width, height] of strips) {
  const name = `${path.basename(image, '.png')}-${width}x${height}`
  const crop = await sharp(path.join(root, 'tests/fixtures/ocr', image)).extract({ left, top, width, height }).ensureAlpha(1).raw().toBuffer()
  await sharp(crop, { raw: { width, height, channels: 4 } }).removeAlpha().png().toFile(path.join(out, `${name}.png`))
  const resized = await sharp(crop, { raw: { width, height, channels: 4 } }).resize({ height: 48, fit: 'contain' }).raw().toBuffer({ resolveWithObject: true })
  await sharp(resized.data, { raw: { width: resized.info.width, height: resized.info.height, channels: 4 } }).removeAlpha().png().toFile(path.join(out, `${name}.h48.png`))
  manifest.push({ input: `${name}.png`, output: `${name}.h48.png`, width: resized.info.width, height: resized.info.height })
}
// The detector's resize: each side rounded up to a multiple of 32, fit 'contain' (aspect kept, centred, black padding).
for (const [image, w, h] of [['017.png', 250, 70], ['035.jpg', 190, 90]]) {
  const name = `${path.basename(image).replace('.', '-')}-${w}x${h}`
  const src = await sharp(path.join(root, 'tests/fixtures/ocr', image)).resize({ width: w, height: h, fit: 'fill' }).ensureAlpha(1).raw().toBuffer()
  await sharp(src, { raw: { width: w, height: h, channels: 4 } }).removeAlpha().png().toFile(path.join(out, `${name}.png`))
  const W = Math.ceil(w / 32) * 32, H = Math.ceil(h / 32) * 32
  const resized = await sharp(src, { raw: { width: w, height: h, channels: 4 } }).resize({ width: W, height: H, fit: 'contain' }).raw().toBuffer({ resolveWithObject: true })
  await sharp(resized.data, { raw: { width: W, height: H, channels: 4 } }).removeAlpha().png().toFile(path.join(out, `${name}.contain.png`))
  manifest.push({ input: `${name}.png`, output: `${name}.contain.png`, width: W, height: H, contain: true })
}
fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ sharp: sharp.versions, cases: manifest }, null, 1) + '\n')
console.log(`wrote ${manifest.length} cases to ${out}`)

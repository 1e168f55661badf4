// Runs @gutenye/ocr-node (PP-OCRv4 on onnxruntime-node), the independent reference, over images and prints JSON:
//   node tools/ocr/reference.mjs [--repeat N] IMAGE... > out.json
// {"runtime": {...}, "results": [{"image", "lines": [{"text", "score", "box": [[x, y] x4]}], "ms"}], "total_ms"}
// With --repeat N every image is read N times after one warm-up pass (the benchmark); results are from the last pass.
// cpu_s_per_image is the process's CPU time (all threads) per image over the timed passes: less sensitive to load.
import path from 'node:path'
import Ocr from '@gutenye/ocr-node'
import ort from 'onnxruntime-node'

const args = process.argv.slice(2)
let repeat = 1
let bench = false
if (args[0] === '--repeat') {
  repeat = Number(args[1])
  bench = true
  args.splice(0, 2)
}
if (args.length === 0) {
  console.error('usage: node tools/ocr/reference.mjs [--repeat N] IMAGE...')
  process.exit(2)
}

const ocr = await Ocr.create()
const run = async () => {
  const results = []
  for (const image of args) {
    const start = performance.now()
    const lines = await ocr.detect(path.resolve(image))
    const ms = performance.now() - start
    results.push({
      image: path.basename(image),
      lines: lines.map((l) => ({ text: l.text, score: l.mean, box: l.box })),
      ms,
    })
  }
  return results
}

if (bench) await run() // warm-up
const cpu = process.cpuUsage()
const start = performance.now()
let results = []
for (let i = 0; i < repeat; i++) results = await run()
const totalMs = performance.now() - start
const cpuUsed = process.cpuUsage(cpu)
console.log(JSON.stringify({
  runtime: { package: '@gutenye/ocr-node 1.4.8', onnxruntime: ort.env.versions.common, node: process.version },
  repeat,
  total_ms: totalMs,
  images_per_s: (args.length * repeat) / (totalMs / 1000),
  cpu_s_per_image: (cpuUsed.user + cpuUsed.system) / 1e6 / (args.length * repeat),
  results,
}, null, 1))

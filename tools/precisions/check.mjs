// Loads each encoder's variants in onnxruntime-node (tools/zoo/node_modules) and prints the cosine of their output
// with the fp32 graph's on the same input, and the time of each against fp32 in the same run (rounds interleaved):
//   node tools/precisions/check.mjs models /tmp/zoo-precisions [ROUNDS]
import { createRequire } from 'node:module';
const ort = createRequire(new URL('../zoo/package.json', import.meta.url))('onnxruntime-node');
const dir = process.argv[2], out = process.argv[3], rounds = Number(process.argv[4] ?? 0);
const pix = new Float32Array(3*64*64).map((_, i) => Math.sin(i) * 0.5);
for (const [folder, graph, feeds] of [
  ['tiny-clip', 'vision_model', { pixel_values: new ort.Tensor('float32', pix, [1,3,64,64]) }],
  ['tiny-captioner', 'encoder_model', { pixel_values: new ort.Tensor('float32', pix, [1,3,64,64]) }],
  ['tiny-vlm', 'vision_encoder', { pixel_values: new ort.Tensor('float32', pix, [1,3,64,64]) }],
  ['tiny-whisper', 'encoder_model', { input_features: new ort.Tensor('float32', new Float32Array(80*1000).map((_, i) => Math.cos(i)*0.3), [1,80,1000]) }],
]) {
  const base = await ort.InferenceSession.create(`${dir}/${folder}/onnx/${graph}.onnx`);
  const r0 = Object.values(await base.run(feeds))[0].data;
  for (const v of ['quantized', 'fp16']) {
    const s = await ort.InferenceSession.create(`${out}/${folder}/onnx/${graph}_${v}.onnx`);
    const r = Object.values(await s.run(feeds))[0].data;
    let dot = 0, a = 0, b = 0; for (let i = 0; i < r.length; i++) { dot += r[i]*r0[i]; a += r[i]*r[i]; b += r0[i]*r0[i]; }
    let line = `${folder} ${graph} ${v} cosine vs fp32 ${(dot / Math.sqrt(a*b)).toFixed(5)} len ${r.length}`;
    if (rounds > 0) {
      let tBase = 0, tVar = 0;
      for (let k = 0; k < rounds; k++) {
        let t = performance.now(); await base.run(feeds); tBase += performance.now() - t;
        t = performance.now(); await s.run(feeds); tVar += performance.now() - t;
      }
      line += ` time ${(tVar / rounds).toFixed(2)} ms vs fp32 ${(tBase / rounds).toFixed(2)} ms: ${(tBase / tVar).toFixed(2)}x`;
    }
    console.log(line);
  }
}

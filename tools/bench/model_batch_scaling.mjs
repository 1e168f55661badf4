// What a batch saves inside the model alone, on this machine's CPU: one ONNX vision graph run at batch 1, 4, 8, 16
// and 32 on random pixels (onnxruntime-node, graph optimizations on, N intra-op threads), images per second each.
// This is the ceiling of what micro-batching can give a server on the same CPU (docs/bench/server.md):
//   node tools/bench/model_batch_scaling.mjs artifacts/clip-vit-b32-random/onnx/vision_model.onnx 224 [threads=2]
//   node tools/bench/model_batch_scaling.mjs models/tiny-clip/onnx/vision_model.onnx 64
// Needs tools/zoo's node_modules (tools/fetch-test-assets.sh).
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ort = createRequire(path.join(root, "tools/zoo/package.json"))("onnxruntime-node");
const [graph, size = "224", threads = "2", seconds = "8"] = process.argv.slice(2);
if (!graph) {
  console.error("usage: model_batch_scaling.mjs VISION_GRAPH.onnx [image size=224] [threads=2] [seconds per point=8]");
  process.exit(2);
}
const session = await ort.InferenceSession.create(graph, {
  intraOpNumThreads: Number(threads), interOpNumThreads: 1, graphOptimizationLevel: "all" });
const px = Number(size);
let single = 0;
console.log(`${graph}: ${px}x${px}, ${threads} intra-op threads, ${seconds} s per point`);
console.log("| batch | ms per run | ms per image | images/s | vs batch 1 |\n|---:|---:|---:|---:|---:|");
for (const batch of [1, 4, 8, 16, 32]) {
  const data = Float32Array.from({ length: batch * 3 * px * px }, () => Math.random() * 2 - 1);
  const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", data, [batch, 3, px, px]) };
  await session.run(feeds);   // warm-up
  let runs = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < Number(seconds) * 1000) {
    await session.run(feeds);
    runs++;
  }
  const ms = (performance.now() - t0) / runs;
  const perSecond = (1000 * batch) / ms;
  if (batch === 1) single = perSecond;
  console.log(`| ${batch} | ${ms.toFixed(1)} | ${(ms / batch).toFixed(2)} | ${perSecond.toFixed(1)} | ${(perSecond / single).toFixed(2)}x |`);
}

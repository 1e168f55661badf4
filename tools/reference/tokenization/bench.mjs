// Times tokenizers.js (transformers.js' tokenizer) encoding the GPT-2 benchmark text, for comparison with
// Gpt2EncodeBenchmarks. Run the C# benchmark first: its setup writes the GPT-2 tokenizer.json to the temp folder.
//   node tools/reference/tokenization/bench.mjs
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const require = createRequire(join(root, "tools", "zoo", "package.json"));
const { Tokenizer } = require("@huggingface/tokenizers");

const paragraph =
  "The quick brown fox jumps over the lazy dog while 12 curious onlookers watch from the café terrace. " +
  "Tokenizers split text into pieces; byte-level BPE never meets an unknown character, whether it's English, " +
  "Français, Deutsch, 日本語, 中文 or emoji 😀👍. In 2024, models with 1,000,000 parameters ran in browsers!\n\n";
const text = paragraph.repeat(12);
const tokenizer = new Tokenizer(JSON.parse(readFileSync(join(tmpdir(), "multimodal-sdk-gpt2-tokenizer.json"), "utf8")), {});

let ids = tokenizer.encode(text).ids;
for (let i = 0; i < 200; i++) ids = tokenizer.encode(text).ids; // warm-up (JIT, caches)
const runs = 2000;
const start = process.hrtime.bigint();
for (let i = 0; i < runs; i++) ids = tokenizer.encode(text).ids;
const us = Number(process.hrtime.bigint() - start) / 1000 / runs;
console.log(`tokenizers.js ${process.version}: ${ids.length} ids, ${us.toFixed(1)} us per encode`);

// Records what tokenizers.js (the tokenizer of transformers.js, @huggingface/tokenizers locked in tools/zoo)
// produces for each fixture in tests/fixtures/Tokenization, as an independent reference for the C# tests.
// Run: (cd tools/zoo && npm ci) && node tools/reference/tokenization/expected.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const require = createRequire(join(root, "tools", "zoo", "package.json"));
const { Tokenizer } = require("@huggingface/tokenizers");

const common = [
  "", "a", "hello world", "Hello World", "  Hello   World  ", "a photo of a cat", "A PHOTO OF TWO CATS ON THE SOFA.",
  "café", "Café naïve", "it's the dog's sofa", "don't", "hello, world!", "hello world!!!", "tab\tnew\nline",
  "1 2 3 42", "x1y22z333", "😀 emoji", "中文", "unwanted running", "a diagram of a neural network",
  "The cat is what the tokenizer is", "unbelievable tokenizers", "hello  world", "Ωμέγα ΣΊΣΥΦΟΣ",
];
const fixtures = {
  clip: [...common, "<|startoftext|>a cat<|endoftext|>", "A Photo Of A CAT", "painting, photo; diagram?"],
  bert: [...common, "[CLS] hello [SEP]", "hello [MASK] world", "hello   [MASK]", "hello newword world", "HELLO NEWWORD",
    "the quick brown fox.", "runn##ing", "hello\u0000world\u200b!", "ab中文cd"],
  "llama-bpe": [...common, "<s>Hello</s>", "Hello <tag> world", "Hello<tag>world", "Hello ☃ snowman", " leading"],
  "t5-unigram": [...common, "the cat</s>", "   spaced   out   ", "ﬁne ligature", "hellohello"],
  wordlevel: [...common, "The price is $42.", "well-known", "  Hello world ok  ", "Café! ok?"],
};

const out = {};
for (const [name, texts] of Object.entries(fixtures)) {
  const dir = join(root, "tests", "fixtures", "Tokenization", name);
  const tokenizer = new Tokenizer(
    JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8")),
    JSON.parse(readFileSync(join(dir, "tokenizer_config.json"), "utf8")));
  out[name] = texts.map((text) => {
    const ids = tokenizer.encode(text).ids;
    const plain = tokenizer.encode(text, { add_special_tokens: false }).ids;
    return {
      text,
      ids,
      ids_without_special: plain,
      decoded: ids.length ? tokenizer.decode(ids, { skip_special_tokens: true }) : "",
      decoded_with_special: ids.length ? tokenizer.decode(ids, { skip_special_tokens: false }) : "",
    };
  });
}

writeFileSync(join(root, "tests", "fixtures", "Tokenization", "expected.tokenizers-js.json"), JSON.stringify(out, null, 1) + "\n");
console.log("wrote", Object.values(out).reduce((n, v) => n + v.length, 0), "cases");

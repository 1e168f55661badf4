// Drives a running server with the official `openai` npm package, the way any existing OpenAI client would, and prints
// one JSON object of what came back. Run by tests/Multimodal.Sdk.Server.Tests (OpenAINodeClientTests):
//   node tools/server-tests/openai-client.mjs http://127.0.0.1:5080 <image.png> <speech.wav>
import fs from 'node:fs';
import OpenAI, { toFile } from 'openai';

const [baseUrl, imagePath, audioPath] = process.argv.slice(2);
const client = new OpenAI({ baseURL: baseUrl + '/v1', apiKey: process.env.MM_API_KEY || 'none', maxRetries: 0 });
const imageUrl = 'data:image/png;base64,' + fs.readFileSync(imagePath).toString('base64');
const messages = [{ role: 'user', content: [{ type: 'image_url', image_url: { url: imageUrl } }, { type: 'text', text: 'what color is the shape?' }] }];
const out = {};

out.models = (await client.models.list()).data.map((m) => m.id);

const completion = await client.chat.completions.create({ model: 'tiny-vlm', messages, max_tokens: 16, temperature: 0 });
out.chat = { content: completion.choices[0].message.content, finish: completion.choices[0].finish_reason, usage: completion.usage };

const stream = await client.chat.completions.create({ model: 'tiny-vlm', messages, max_tokens: 16, stream: true, stream_options: { include_usage: true } });
let streamed = '', chunks = 0, usage = null;
for await (const chunk of stream) {
  chunks++;
  for (const c of chunk.choices) streamed += c.delta.content || '';
  if (chunk.usage) usage = chunk.usage;
}
out.stream = { content: streamed, chunks, usage };

const audio = fs.readFileSync(audioPath);
out.transcriptions = {};
for (const format of ['json', 'text', 'srt', 'vtt', 'verbose_json']) {
  const result = await client.audio.transcriptions.create({
    file: await toFile(audio, 'speech.wav'),
    model: 'tiny-whisper',
    response_format: format,
    ...(format === 'verbose_json' ? { timestamp_granularities: ['segment'] } : {}),
  });
  out.transcriptions[format] = typeof result === 'string' ? result : result;
}
out.translation = await client.audio.translations.create({ file: await toFile(audio, 'speech.wav'), model: 'tiny-whisper' });

const embeddings = await client.embeddings.create({ model: 'tiny-clip', input: ['a large blue square', 'a small red circle', imageUrl] });
out.embeddings = embeddings.data.map((d) => ({ index: d.index, length: d.embedding.length, head: d.embedding.slice(0, 3) }));
// The client asks for base64 by default and decodes it; ask for floats too and compare.
const floats = await client.embeddings.create({ model: 'tiny-clip', input: 'a large blue square', encoding_format: 'float' });
out.base64MatchesFloat = floats.data[0].embedding.every((x, i) => Math.abs(x - embeddings.data[0].embedding[i]) < 1e-6);
const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);
out.similarity = { blueSquare: dot(embeddings.data[2].embedding, embeddings.data[0].embedding), redCircle: dot(embeddings.data[2].embedding, embeddings.data[1].embedding) };

try {
  await client.chat.completions.create({ model: 'gpt-4o', messages });
  out.unknownModel = 'no error';
} catch (e) {
  out.unknownModel = { status: e.status, code: e.code, type: e.type, isNotFound: e instanceof OpenAI.NotFoundError };
}

console.log(JSON.stringify(out));

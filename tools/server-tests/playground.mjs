// Drives the playground page in Debian's headless Chromium (playwright-core, no bundled browser): upload an image and
// caption it, upload a WAV and transcribe it, and save a screenshot of each. Run by tests/Multimodal.Sdk.Server.Tests
// (PlaygroundBrowserTests):
//   node tools/server-tests/playground.mjs http://127.0.0.1:5080 <image.png> <speech.wav> <screenshot-folder>
import path from 'node:path';
import { chromium } from 'playwright-core';

const [baseUrl, imagePath, audioPath, shots] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const out = {};
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(baseUrl + '/');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('ready'));

  await page.setInputFiles('#image-input', imagePath);
  await page.waitForSelector('#image-preview:not([hidden])');
  await page.click('#caption-btn');
  await page.waitForFunction(() => { const t = document.getElementById('caption-out').textContent; return t && t !== '…'; });
  out.caption = await page.textContent('#caption-out');
  await page.click('#classify-btn');
  await page.waitForSelector('#classify-out .bar');
  out.topLabel = await page.textContent('#classify-out .bar span');
  await page.click('#ask-btn');
  await page.waitForFunction(() => { const t = document.getElementById('answer-out').textContent; return t && t !== '…'; });
  out.answer = await page.textContent('#answer-out');
  await page.click('#chat-btn');
  await page.waitForFunction(() => !document.getElementById('chat-btn').disabled && document.getElementById('chat-out').textContent !== '…');
  out.chat = await page.textContent('#chat-out');
  await page.locator('#image-panel').screenshot({ path: path.join(shots, 'server-playground-image.png') });

  await page.setInputFiles('#audio-input', audioPath);
  await page.click('#transcribe-btn');
  await page.waitForFunction(() => { const t = document.getElementById('transcript-out').textContent; return t && t !== '…'; });
  out.transcript = await page.textContent('#transcript-out');
  out.subtitles = await page.textContent('#subtitles-out');
  await page.locator('#audio-panel').screenshot({ path: path.join(shots, 'server-playground-audio.png') });

  await page.click('#search-btn');
  await page.waitForSelector('#search-out td');
  out.searchTop = await page.textContent('#search-out td');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(shots, 'server-playground.png'), fullPage: true });
  out.errors = errors;
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));

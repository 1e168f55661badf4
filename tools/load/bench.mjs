// Load generator for tools/bench/server.sh and tools/bench/soak.sh: autocannon on loopback, results as JSON lines.
//   node bench.mjs sweep URL_ON URL_OFF IMAGE.png SECONDS CLIENTS...   batching on vs off, interleaved per client count
//   node bench.mjs soak URL IMAGE.png TOTAL CONCURRENCY               mixed requests, bounded in count
import autocannon from 'autocannon';
import fs from 'node:fs';

const [mode, ...args] = process.argv.slice(2);

function embeddingImage(image) {
  const uri = 'data:image/png;base64,' + fs.readFileSync(image).toString('base64');
  return { method: 'POST', path: '/v1/embeddings', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'tiny-clip', input: uri }) };
}

function multipart(path, fields, image) {
  const boundary = '----mmload' + Math.random().toString(16).slice(2);
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="image.png"\r\nContent-Type: image/png\r\n\r\n`));
  parts.push(fs.readFileSync(image));
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { method: 'POST', path, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: Buffer.concat(parts) };
}

// autocannon's summary has p97.5 but no p95: every response time is kept and the percentiles computed here.
function run(opts) {
  return new Promise((resolve, reject) => {
    const times = [];
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve({ ...result, times })));
    instance.on('response', (_client, _status, _bytes, ms) => times.push(ms));
  });
}

function percentile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function summary(label, clients, r) {
  const statuses = {};
  for (const [k, v] of Object.entries(r.statusCodeStats ?? {})) statuses[k] = v.count;
  const t = [...r.times].sort((a, b) => a - b);
  const round = (x) => Math.round(x * 10) / 10;
  return { label, clients, rps: round(r.requests.total / r.duration), total: r.requests.total, seconds: round(r.duration), p50: round(percentile(t, 0.5)), p95: round(percentile(t, 0.95)), p99: round(percentile(t, 0.99)), errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, statuses };
}

// Where a request's time goes, from the server's own /metrics (Prometheus) before and after a run: mean server-side
// request time, mean model call (preprocessing + ONNX Runtime; with batching, one call is one batch), mean batch size,
// mean queue wait and mean batch run. Means over the measured run only (the difference of two scrapes).
async function scrape(url) {
  const totals = {};
  try {
    const text = await (await fetch(url + '/metrics')).text();
    for (const line of text.split('\n')) {
      const m = /^(\w+)_(sum|count)\{([^}]*)\} ([0-9.eE+-]+)/.exec(line);
      if (!m) continue;
      const [, name, kind, labels, value] = m;
      if (name === 'http_server_request_duration_seconds' && !labels.includes('http_route="/v1/embeddings"')) continue;
      if (name === 'gen_ai_client_operation_duration_seconds' && !labels.includes('embeddings')) continue;
      if (name.startsWith('multimodal_batch') && !labels.includes('clip.image')) continue;
      const key = `${name}_${kind}`;
      totals[key] = (totals[key] ?? 0) + Number(value);
    }
  } catch { /* a server without /metrics: no breakdown */ }
  return totals;
}

function stages(before, after) {
  const mean = (name, scale = 1) => {
    const n = (after[name + '_count'] ?? 0) - (before[name + '_count'] ?? 0);
    return n > 0 ? Math.round((((after[name + '_sum'] ?? 0) - (before[name + '_sum'] ?? 0)) / n) * scale * 10) / 10 : null;
  };
  return {
    server_ms: mean('http_server_request_duration_seconds', 1000),
    model_call_ms: mean('gen_ai_client_operation_duration_seconds', 1000),
    batch_size: mean('multimodal_batch_size'),
    queue_wait_ms: mean('multimodal_batch_queue_wait_seconds', 1000),
    batch_ms: mean('multimodal_batch_duration_seconds', 1000),
  };
}

// CPU seconds the server process has used (user + system, in clock ticks of 10 ms): the CPU a request costs does not
// depend on how busy the machine is, unlike requests/s, so it says what a quiet machine's throughput ratio would be.
function cpuMs(pid) {
  if (!pid) return null;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch { return null; }
}

if (mode === 'sweep') {
  const [on, off, image, seconds, ...clients] = args;
  const request = embeddingImage(image);
  const pids = { on: process.env.PID_ON, off: process.env.PID_OFF };
  for (const c of clients.map(Number)) {
    for (const [label, url] of [['on', on], ['off', off]]) {
      // A short warm-up at this concurrency, then the measured run.
      await run({ url, connections: c, duration: Number(process.env.WARMUP ?? 1), requests: [request], timeout: 120 });
      const before = await scrape(url);
      const cpuBefore = cpuMs(pids[label]);
      const r = await run({ url, connections: c, duration: Number(seconds), requests: [request], timeout: 120 });
      const cpu = cpuBefore === null || r.requests.total === 0 ? null : Math.round(((cpuMs(pids[label]) - cpuBefore) / r.requests.total) * 10) / 10;
      console.log(JSON.stringify({ ...summary(label, c, r), cpu_ms_per_request: cpu, ...stages(before, await scrape(url)) }));
    }
  }
} else if (mode === 'soak') {
  const [url, image, total, concurrency] = args;
  const mix = [
    embeddingImage(image),
    { method: 'POST', path: '/v1/embeddings', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'tiny-clip', input: ['a red circle', 'a blue square'] }) },
    multipart('/classify', { labels: 'red circle,blue square,yellow cross' }, image),
    multipart('/caption', { max_new_tokens: '8' }, image),
  ];
  const r = await run({ url, connections: Number(concurrency), amount: Number(total), requests: mix, timeout: 120 });
  console.log(JSON.stringify(summary('soak', Number(concurrency), r)));
} else {
  console.error('usage: node bench.mjs sweep URL_ON URL_OFF IMAGE SECONDS CLIENTS... | soak URL IMAGE TOTAL CONCURRENCY');
  process.exit(2);
}

/**
 * Load generation and its figures. HTTP load is autocannon (a warm-up run, then a fixed-time run whose
 * every response time is kept, so p50/p95/p99 are exact rather than autocannon's fixed buckets); the
 * raw-SQL floor is the same loop over a pg pool with the same concurrency, no HTTP, no GraphQL.
 */
const autocannon = require('autocannon');

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summarise(latencies, seconds, errors) {
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    rps: latencies.length / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    errors,
  };
}

function cannon(options) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    let errors = 0;
    const instance = autocannon({ ...options, connections: options.connections, duration: options.duration }, (error, result) => {
      if (error) return reject(error);
      resolve({ latencies, errors: errors + result.errors + result.timeouts, result });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      if (statusCode !== 200) errors += 1;
    });
  });
}

/**
 * Posts GraphQL to one or more servers at once for `duration` seconds after `warmup` seconds.
 * `request(i)` may give each request its own body (and headers); `onBody` sees every response body
 * (to count GraphQL errors, or to learn a new row version).
 */
async function httpLoad({ urls, headers, body, requests, connections, duration, warmup, beforeTimed }) {
  const targets = Array.isArray(urls) ? urls : [urls];
  const per = Math.max(1, Math.round(connections / targets.length));
  const base = (url, seconds) => ({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    requests,
    connections: per,
    duration: seconds,
    pipelining: 1,
    timeout: 30,
  });
  if (warmup > 0) await Promise.all(targets.map((url) => cannon(base(url, warmup))));
  if (beforeTimed) await beforeTimed();
  // A request still in flight when a window ends is not counted: on a loaded machine a short window (the
  // e2e test's one second) can end before any answer, which is no figure at all. Such a run is timed
  // again with a window twice as long (at most three times); the figure is the last run's, over its own
  // window, so the rate stays what was completed in the time measured.
  let window = duration;
  for (let attempt = 1; ; attempt++) {
    const started = process.hrtime.bigint();
    const runs = await Promise.all(targets.map((url) => cannon(base(url, window))));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (runs.some((r) => r.latencies.length === 0) && attempt < 3) {
      window *= 2;
      if (beforeTimed) await beforeTimed();
      continue;
    }
    return summarise(
      runs.flatMap((r) => r.latencies),
      seconds,
      runs.reduce((s, r) => s + r.errors, 0),
    );
  }
}

/** `concurrency` loops, each sending `run(client, i)` through the pool, for `duration` seconds after a warm-up. */
async function pgLoad({ pool, concurrency, duration, warmup, run, beforeTimed }) {
  const loop = async (seconds, keep) => {
    const latencies = [];
    let errors = 0;
    let i = 0;
    const until = Date.now() + seconds * 1000;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < until) {
          const t0 = process.hrtime.bigint();
          try {
            await run(pool, i++);
          } catch {
            errors += 1;
          }
          if (keep) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    );
    return { latencies, errors, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  };
  if (warmup > 0) await loop(warmup, false);
  if (beforeTimed) await beforeTimed();
  const r = await loop(duration, true);
  return summarise(r.latencies, r.seconds, r.errors);
}

module.exports = { httpLoad, pgLoad, percentile };

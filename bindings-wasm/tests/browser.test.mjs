// The package in real headless Chromium (Debian's), across origins: exposed and hidden headers, the
// simulator's control API out of a page's reach, redirects. The dashboard is in dashboard.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startSim, serveDir, launchChromium } from './helpers.mjs';

const SERVE = fileURLToPath(new URL('..', import.meta.url));
let sim;
let ids;
let server;
let pageUrl;
let browser;

before(async () => {
  sim = await startSim('--size', '200');
  ids = await sim.directory();
  server = await serveDir(SERVE);
  pageUrl = `http://localhost:${server.address().port}/examples/admin-page/index.html`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.close();
  sim?.stop();
});

async function inPage(exposed, script) {
  await sim.reset();
  await sim.control('PUT', '/_sim/config', { exposeHeaders: exposed });
  // The control API answers no page (no CORS): the faults are queued here, one per request.
  await sim.faults({ script: [{ status: 429, retryAfter: '1' }, {}, {}, ...Array(3).fill({ status: 429, retryAfter: '3600' })] });
  const page = await browser.newPage();
  await page.goto(pageUrl);
  const out = await page.evaluate(script, { baseUrl: sim.baseUrl, person: ids.people[0] });
  await page.close();
  return out;
}

// Runs in the page: a 429 with Retry-After 1 s, then a 404, then a 429 asking for an hour.
const SCRIPT = async ({ baseUrl, person }) => {
  const m = await import('/pkg/index.js');
  await m.init();
  const c = new m.Client({ token: 'sim-token', baseUrl, maxRetries: 2 });
  const t = performance.now();
  const ecbn = await c.people.getEcbn(person);
  const waited = performance.now() - t;
  let notFound;
  try { await c.people.getEcbn('bm90LWFuLWlk'); } catch (e) { notFound = { cls: e instanceof m.NotFoundError, trackingId: e.trackingId }; }
  let limited;
  const t2 = performance.now();
  try { await c.people.getEcbn(person); } catch (e) { limited = { cls: e instanceof m.RateLimitError, retryAfter: e.retryAfter, ms: performance.now() - t2 }; }
  return { selected: ecbn.selected, waited, notFound, limited };
};

test('Retry-After and trackingid when the server exposes them to the page', async () => {
  const r = await inPage(true, SCRIPT);
  assert.equal(r.selected, 'DIRECT_LINE');
  assert.ok(r.waited >= 900, `waited ${r.waited} ms for Retry-After: 1`);
  assert.equal(r.notFound.cls, true);
  assert.ok(r.notFound.trackingId);
  assert.deepEqual([r.limited.cls, r.limited.retryAfter], [true, 3600]);
  assert.ok(r.limited.ms < 1000, 'an absurd Retry-After fails at once');
});

test('without exposed headers: backoff instead of Retry-After, trackingId from the body', async () => {
  const r = await inPage(false, SCRIPT);
  assert.equal(r.selected, 'DIRECT_LINE');
  assert.ok(r.waited < 900, `backoff, not the hidden Retry-After (${r.waited} ms)`);
  assert.equal(r.notFound.cls, true);
  assert.ok(r.notFound.trackingId, 'tracking ID read from the error body');
  assert.equal(r.limited.cls, true);
  assert.equal(r.limited.retryAfter, null, 'Retry-After is not readable');
});

test('a web page can neither read nor change the simulator\'s control API', async () => {
  await sim.reset();
  await sim.faults({ latencyMs: 7 });
  const page = await browser.newPage();
  await page.goto(pageUrl);
  const out = await page.evaluate(async (root) => {
    const tried = {};
    for (const [name, init] of [['read', {}], ['simple', { method: 'POST', body: '{}' }],
      ['json', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' }]]) {
      try { await (await fetch(`${root}/_sim/${name === 'read' ? 'journal' : name === 'simple' ? 'reset' : 'faults'}`, init)).text(); tried[name] = 'answered'; } catch { tried[name] = 'refused'; }
    }
    return tried;
  }, sim.root);
  await page.close();
  assert.deepEqual(out, { read: 'refused', simple: 'refused', json: 'refused' });
  assert.equal((await sim.control('GET', '/_sim/faults')).latencyMs, 7, 'nothing changed');
});

test('in the browser too a redirect is not followed: the other host receives nothing', async () => {
  await sim.reset();
  const other = await startSim('--size', '20');
  try {
    const path = `/telephony/config/people/${ids.people[0]}/emergencyCallbackNumber`;
    await sim.faults({ script: [{ redirect: other.baseUrl + path }] });
    const page = await browser.newPage();
    await page.goto(pageUrl);
    const out = await page.evaluate(async ({ baseUrl, person }) => {
      const m = await import('/pkg/index.js');
      await m.init();
      const c = new m.Client({ token: 'sim-token', baseUrl, maxRetries: 0 });
      try { await c.people.getEcbn(person); return { ok: true }; } catch (e) {
        return { cls: e.constructor.name, transport: e instanceof m.TransportError, message: e.message };
      }
    }, { baseUrl: sim.baseUrl, person: ids.people[0] });
    await page.close();
    assert.equal(out.transport, true, JSON.stringify(out));
    assert.match(out.message, /redirect/);
    assert.equal((await other.journal()).length, 0);
  } finally {
    other.stop();
  }
});

// The npm package tried as an attacker and a careless user would, in Node 20 against the simulator:
// nothing crashes the process, nothing leaks (listeners, timers), cancellation stops requests,
// secrets stay out of messages, redirects are not followed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { getEventListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import * as we from '../pkg/index.js';
import { load, startSim } from './helpers.mjs';

load();
let sim;
let ids;
before(async () => {
  sim = await startSim('--size', '300');
  ids = await sim.directory();
});
after(() => sim.stop());
const client = (opts = {}) => new we.Client({ token: 'sim-token', baseUrl: sim.baseUrl, ...opts });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('IDs that could reach another resource are refused before the wire', async () => {
  await sim.reset();
  const c = client();
  for (const id of ['..', '.', '%2e%2e', '%2E.', 'a/../b', 'a b', 'é', '']) {
    await assert.rejects(c.redsky.updateLocationStatus(id, { complianceStatus: 'LOCATION_SETUP' }),
      (e) => e instanceof we.ValidationError, JSON.stringify(id));
    await assert.rejects(c.notifications.updateLocation(id, { emergencyCallNotificationEnabled: false }),
      (e) => e instanceof we.ValidationError, JSON.stringify(id));
  }
  assert.equal((await sim.journal()).length, 0);
});

test('absurd counts and durations are ConfigError, and the process lives on', async () => {
  const c = client();
  const one = [[ids.people[0], { selected: 'DIRECT_LINE' }]];
  for (const concurrency of [2 ** 30, 2 ** 31, 2 ** 53, Number.MAX_VALUE, Infinity, NaN]) {
    await assert.rejects(c.people.bulkUpdateEcbn(one, { concurrency }), (e) => e instanceof we.ConfigError, String(concurrency));
  }
  for (const bad of [{ timeoutMs: 2 ** 53 }, { timeoutMs: Infinity }, { timeoutMs: 0 }, { maxRetries: 2 ** 40 }]) {
    assert.throws(() => client(bad), (e) => e instanceof we.ConfigError, JSON.stringify(bad));
  }
  assert.throws(() => client({ timeoutMs: NaN }), (e) => e instanceof we.ConfigError && e.message.includes('`timeoutMs`'));
  await assert.rejects(c.people.updateEcbn(ids.people[0], { selected: 'DIRECT_LINE', elinEnabled: Infinity }),
    (e) => e instanceof we.ValidationError && e.errors.some((f) => f.message.includes('`elinEnabled`')));
  // Still working afterwards: no trapped instance.
  assert.equal(typeof (await c.people.getEcbn(ids.people[0])).selected, 'string');
});

test('arguments of the wrong type are rejected with the class of the error, never thrown as a TypeError', async () => {
  await sim.reset();
  const c = client();
  // An ID that is not a string: a ValidationError naming the path parameter.
  for (const id of [123, {}, ['x'], true]) {
    const p = c.people.getEcbn(id);
    assert.ok(p instanceof Promise);
    await assert.rejects(p, (e) => e instanceof we.ValidationError && e.errors[0].field === 'personId', String(id));
  }
  // An orgId, order or resume that is not a string is refused, not dropped (the call would go to
  // the token's own organization; the resumed rows would run again).
  await assert.rejects(c.people.getEcbn(ids.people[0], { orgId: 42 }),
    (e) => e instanceof we.ConfigError && e.message.includes('option `orgId` must be a string'));
  await assert.rejects(c.people.bulkUpdateEcbn([], { orgId: 42 }), (e) => e instanceof we.ConfigError);
  await assert.rejects(c.audit({ orgId: 42 }), (e) => e instanceof we.ConfigError);
  await assert.rejects(c.people.list({ orgId: 42 }).next(), (e) => e instanceof we.ConfigError);
  const text = `kind,id,selected,locationMemberId\r\nperson,${ids.people[0]},LOCATION_ECBN,\r\n`;
  await assert.rejects(c.bulkCsv('ecbn', Buffer.from(text)), (e) => e instanceof we.ConfigError && e.message.includes('must be a string'));
  await assert.rejects(c.bulkCsv('ecbn', text, { resume: Buffer.from('') }), (e) => e instanceof we.ConfigError);
  await assert.rejects(c.bulkCsv(7, text), (e) => e instanceof we.ConfigError && e.message.includes('is not a kind of sheet'));
  assert.equal((await sim.journal()).length, 0);
});

test('a proxy, which fetch cannot be told of, is refused rather than ignored', async () => {
  await sim.reset();
  assert.throws(() => new we.Client({ token: 'sim-token', baseUrl: sim.baseUrl, proxy: 'http://user:pw@proxy.example:8080' }),
    (e) => e instanceof we.ConfigError && /proxy/.test(e.message) && !/pw@/.test(e.message));
  assert.equal((await sim.journal()).length, 0);
});

test('a provider token with a newline is refused without being printed', async () => {
  await sim.reset();
  const secret = 'sekrit-value\nX-Injected: 1';
  // getToken, the provider option (a function given as `token` is not one: JSON has no functions).
  const c = new we.Client({ getToken: async () => secret, baseUrl: sim.baseUrl });
  await assert.rejects(c.people.getEcbn(ids.people[0]), (e) => {
    assert.ok(e instanceof we.ConfigError, String(e));
    assert.ok(!e.message.includes('no access token'), e.message); // the provider's token was read
    assert.ok(!String(e.message).includes('sekrit'), e.message);
    assert.ok(!JSON.stringify(e).includes('sekrit'));
    return true;
  });
  for (const token of ['é-token', 'a\0b', 'a\rb']) {
    const bad = new we.Client({ getToken: () => token, baseUrl: sim.baseUrl });
    await assert.rejects(bad.people.getEcbn(ids.people[0]), (e) => e instanceof we.ConfigError && !e.message.includes(token));
  }
  assert.equal((await sim.journal()).length, 0);
});

test('one AbortSignal reused for many calls keeps no listeners', async () => {
  const ac = new AbortController();
  const c = client();
  for (let i = 0; i < 50; i++) await c.people.getEcbn(ids.people[i % ids.people.length], { signal: ac.signal });
  const bulk = await c.people.bulkUpdateEcbn([[ids.people[0], { elinEnabled: true }]], { signal: ac.signal });
  assert.equal(bulk[0].ok, true);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
});

test('an AbortSignal on a bulk run stops new requests at once; every item is reported', async () => {
  await sim.reset();
  await sim.faults({ latencyMs: 300 });
  try {
    const ac = new AbortController();
    const items = Array.from({ length: 200 }, (_, i) => [ids.people[i % ids.people.length], { elinEnabled: i % 2 === 0 }]);
    const run = client().people.bulkUpdateEcbn(items, { concurrency: 4, signal: ac.signal });
    setTimeout(() => ac.abort(), 700);
    const started = Date.now();
    const results = await run;
    assert.ok(Date.now() - started < 3000, 'the run ends soon after the abort');
    assert.deepEqual(results.map((r) => r.index), [...Array(200).keys()]);
    const aborted = results.filter((r) => !r.ok);
    assert.ok(aborted.length > 150, `aborted ${aborted.length}`);
    for (const r of aborted) assert.ok(r.error instanceof we.AbortError && r.error.kind === 'aborted', String(r.error));
    // The journal records a request when it is answered: those in flight at the abort may
    // still appear within the latency, nothing after.
    await sleep(500);
    const sent = (await sim.journal()).length;
    await sleep(1000);
    assert.equal((await sim.journal()).length, sent, 'no request after the abort');
    assert.ok(sent < 30, `sent ${sent}`);
  } finally {
    await sim.faults({});
  }
});

test('an aborted bulk run reads a generator no further: the items taken are reported, the rest stay in it', async () => {
  await sim.reset();
  await sim.faults({ latencyMs: 100 });
  try {
    let taken = 0;
    // Long (it takes many seconds to drain) but finite: without the fix this test fails rather
    // than hangs, as an endless one would.
    function* long() {
      while (taken < 2_000_000) {
        taken += 1;
        yield [ids.people[taken % ids.people.length], { elinEnabled: true }];
      }
    }
    const source = long();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 350);
    const results = await client().people.bulkUpdateEcbn(source, { concurrency: 4, signal: ac.signal });
    assert.ok(results.length < 1000, `${results.length} items taken`);
    assert.equal(results.length, taken);
    assert.deepEqual(results.map((r) => r.index), [...Array(results.length).keys()]);
    assert.ok(results.some((r) => r.ok) && results.some((r) => r.error instanceof we.AbortError));
    source.next();
    assert.equal(taken, results.length + 1, 'the generator goes on where the run stopped');
    // A Set's size is known: every item is reported, as an array's are.
    const set = new Set(Array.from({ length: 100 }, (_, i) => [ids.people[i % ids.people.length], { elinEnabled: true }]));
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 150);
    const all = await client().people.bulkUpdateEcbn(set, { concurrency: 2, signal: stop.signal });
    assert.equal(all.length, 100);
    assert.ok(all.some((r) => r.error instanceof we.AbortError));
  } finally {
    await sim.faults({});
  }
});

test('an AbortSignal stops a list stream, its page read in flight abandoned', async () => {
  await sim.reset();
  const c = client();
  await assert.rejects(c.people.list({ signal: {} }).next(), (e) => e instanceof we.ConfigError && /AbortSignal/.test(e.message));
  const done = new AbortController();
  done.abort();
  await assert.rejects(c.people.list({ signal: done.signal }).next(), we.AbortError);
  await sim.faults({ latencyMs: 2000 });
  try {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const started = Date.now();
    await assert.rejects(async () => { for await (const _ of c.people.list({ pageSize: 5, signal: ac.signal })) { /* read all */ } },
      (e) => e instanceof we.AbortError && e.kind === 'aborted');
    assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
  } finally {
    await sim.faults({});
  }
});

test('next() called again before the last one settled: each item once, in order', async () => {
  // The public iterator is an async generator, which queues its next() calls; the native one
  // underneath takes them one at a time itself.
  await sim.reset();
  const { NativeClient } = await import('../pkg/webex_emergency_wasm.js');
  const native = new NativeClient({ token: 'sim-token', baseUrl: sim.baseUrl });
  const op = we.operations().find((o) => o.name === 'people.list_page');
  const all = [];
  for await (const p of client().people.list({ pageSize: 7 })) all.push(p.id);
  const pages = native.pages(op.name, { pageSize: 7 });
  const steps = await Promise.all(Array.from({ length: all.length + 3 }, () => pages.next()));
  pages.free();
  assert.deepEqual(steps.filter((s) => !s.done).map((s) => s.value.id), all);
  assert.ok(steps.slice(all.length).every((s) => s.done));
});

test('a script exits promptly after its last call (no timer left behind)', async () => {
  const pkg = new URL('../pkg/index.js', import.meta.url).href;
  const wasm = fileURLToPath(new URL('../pkg/webex_emergency_wasm_bg.wasm', import.meta.url));
  const script = `
    import { readFileSync } from 'node:fs';
    import * as we from ${JSON.stringify(pkg)};
    we.initSync(readFileSync(${JSON.stringify(wasm)}));
    const c = new we.Client({ token: 'sim-token', baseUrl: ${JSON.stringify(sim.baseUrl)} });
    await c.people.getEcbn(${JSON.stringify(ids.people[0])});
    await c.people.bulkUpdateEcbn([[${JSON.stringify(ids.people[1])}, { elinEnabled: true }]]);
    console.log('done');`;
  const started = Date.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const code = await new Promise((r) => child.on('exit', r));
  assert.equal(out.trim(), 'done');
  assert.equal(code, 0);
  assert.ok(Date.now() - started < 5000, `exited after ${Date.now() - started} ms`);
});

test('a redirect is not followed: the other host receives nothing', async () => {
  let otherHits = 0;
  const other = createServer((req, res) => { otherHits++; res.end('{}'); });
  await new Promise((r) => other.listen(0, '127.0.0.1', r));
  const target = `http://127.0.0.1:${other.address().port}`;
  const redirector = createServer((req, res) => {
    res.writeHead(302, { location: target + req.url });
    res.end();
  });
  await new Promise((r) => redirector.listen(0, '127.0.0.1', r));
  try {
    const c = new we.Client({ token: 'sim-token', baseUrl: `http://127.0.0.1:${redirector.address().port}/v1`, maxRetries: 0 });
    await assert.rejects(c.people.getEcbn(ids.people[0]), (e) => e instanceof we.WebexError && !String(e.message).includes('sim-token'));
    assert.equal(otherHits, 0);
  } finally {
    other.close();
    redirector.close();
  }
});

test('a 9 MiB error page is a server error by its status, retried; a 2 MB message is cut', async () => {
  await sim.reset();
  const page = { status: 503, body: 'html', oversize: true, retryAfter: '0' };
  await sim.faults({ script: [page], oversizeBytes: 9 * 1024 * 1024 });
  await client().people.getEcbn(ids.people[0]);
  assert.deepEqual((await sim.journal()).map((e) => e.status), [503, 200]);
  await sim.faults({ script: [page], oversizeBytes: 9 * 1024 * 1024 });
  await assert.rejects(client({ maxRetries: 0 }).people.getEcbn(ids.people[0]),
    (e) => e instanceof we.ServerError && e.message.length < 2000);
  for (const pad of [2 * 1024 * 1024, 40 * 1024]) {
    await sim.faults({ script: [{ status: 400, oversize: true }], oversizeBytes: pad });
    await assert.rejects(client().people.getEcbn(ids.people[0]), (e) => {
      assert.equal(e.status, 400);
      assert.ok(e.message.length < 12000 && JSON.stringify(e).length < 12000, `${e.message.length}`);
      return true;
    });
  }
});

test('fault modes: Connection: close, 103 before answers, a stalled body, a redirect to another simulator', async () => {
  await sim.reset();
  const c = client();
  await sim.faults({ connectionClose: true });
  for (const p of ids.people.slice(0, 10)) await c.people.getEcbn(p);
  await sim.faults({ informational: true });
  for (const p of ids.people.slice(0, 5)) await c.people.getEcbn(p);
  assert.deepEqual((await sim.journal()).map((e) => e.status), Array(15).fill(200));
  await sim.reset();
  await sim.faults({ script: [{ stall: true }] });
  await client({ timeoutMs: 400 }).people.getEcbn(ids.people[0]);
  assert.equal((await sim.journal()).length, 2, 'the stalled attempt timed out and was retried');
  const other = await startSim('--size', '20');
  try {
    const path = `/telephony/config/people/${ids.people[0]}/emergencyCallbackNumber`;
    await sim.faults({ script: [{ redirect: other.baseUrl + path }] });
    await assert.rejects(c.people.getEcbn(ids.people[0]), we.WebexError);
    assert.equal((await other.journal()).length, 0, 'the other host received nothing');
  } finally {
    other.stop();
    await sim.faults({});
  }
});

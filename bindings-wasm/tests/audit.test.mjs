// The audit and the directory streams through the npm package in Node 20, against the simulator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as we from '../pkg/index.js';
import { ROOT, load, startSim } from './helpers.mjs';

load();
const VECTOR = `${ROOT}tests/vectors/audit/seed42-redsky.json`;
let sim;
before(async () => {
  sim = await startSim('--seed', '42', '--size', '200');
});
after(() => sim.stop());
const client = (opts = {}) => new we.Client({ token: 'sim-token', baseUrl: sim.baseUrl, ...opts });

const pairs = (report) => report.findings.map((f) => [f.entity.id, f.rule, f.entity.kind].join(' ')).sort();
const expected = async () => (await sim.control('GET', '/_sim/expected-findings')).items
  .map((f) => [f.entityId, f.rule, f.entityKind].join(' ')).sort();

for (const redsky of [false, true]) {
  test(`the seeded org gives exactly its expected findings (redsky ${redsky})`, async () => {
    await sim.control('POST', '/_sim/reset', { seed: 42, size: 200, redsky });
    await sim.faults({});
    const report = await client().audit();
    const want = await expected();
    assert.ok(want.length > 20);
    assert.deepEqual(pairs(report), want);
    const rules = new Set(report.findings.map((f) => f.rule));
    assert.equal(rules.has('redsky-org-non-compliant'), redsky);
    assert.equal(rules.has('redsky-not-set-up'), !redsky);
    assert.equal(report.audited.location, 4);
    assert.equal(report.counts.error, report.findings.filter((f) => f.severity === 'error').length);
  });
}

test('the report JSON is the shared vector, byte for byte; the CSV has one row per finding', async () => {
  await sim.control('POST', '/_sim/reset', { seed: 42, size: 200, redsky: true });
  await sim.faults({});
  const report = await client().audit();
  const text = we.reportToJson(report).replace(/"elapsedMs": \d+/, '"elapsedMs": 0');
  assert.equal(text, readFileSync(VECTOR, 'utf8'));
  const csv = we.reportToCsv(report);
  const lines = csv.split('\r\n').filter(Boolean);
  assert.equal(lines[0], 'severity,rule,entityKind,entityId,entityName,locationId,locationName,message,fix');
  assert.equal(lines.length, report.findings.length + 1);
  assert.ok(lines[1].startsWith(`error,${report.findings[0].rule},`));
  assert.deepEqual(we.auditRules().map((r) => r.rule).includes('ecbn-none'), true);
  const good = new Set(report.byLocation.filter((l) => l.ecbnQuality === 'RECOMMENDED').map((l) => l.id));
  const ecbn = new Set(['ecbn-none', 'ecbn-invalid', 'ecbn-not-recommended', 'ecbn-fallback']);
  const want = new Set(report.findings.filter((f) => ecbn.has(f.rule) && good.has(f.location.id)).map((f) => f.entity.id));
  const plan = we.reportPlanCsv(report).split('\r\n').filter(Boolean);
  assert.equal(plan[0], 'kind,id,selected,locationMemberId,name,locationName,rules');
  assert.deepEqual(new Set(plan.slice(1).map((l) => l.split(',')[1])), want);
  assert.ok(want.size > 10 && plan.length === want.size + 1);
});

test("numbers in a report are written as Rust and Python write them (floats from the host's digits)", () => {
  // JS writes 1e-6 as 0.000001 and 1e16 as 10000000000000000 (read back as a whole number);
  // the core lays out JS's digits as Rust and Python write them.
  const numbers = { a: 0.1, b: -2.5, c: 1e-7, d: 123456789.25, e: 3, f: -17, g: [0.5, 2], h: 1e-6, i: 1e21, j: -1.5e300 };
  const want = '{\n  "a": 0.1,\n  "b": -2.5,\n  "c": 1e-7,\n  "d": 123456789.25,\n  "e": 3,\n  "f": -17,\n  "g": [\n    0.5,\n    2\n  ],\n  "h": 1e-6,\n  "i": 1e+21,\n  "j": -1.5e+300\n}';
  assert.equal(we.reportToJson(numbers), want);
});

test('an exception from onProgress is written to the console and the audit goes on', async () => {
  await sim.control('POST', '/_sim/reset', { seed: 42, size: 400, redsky: false });
  await sim.faults({});
  const logged = [];
  const original = console.error;
  console.error = (e) => logged.push(e);
  let calls = 0;
  let report;
  try {
    report = await client().audit({ onProgress: () => { calls++; throw new RangeError('bar broke'); } });
  } finally {
    console.error = original;
  }
  assert.deepEqual(pairs(report), await expected());
  assert.ok(calls > 100);
  assert.equal(logged.length, calls);
  assert.ok(logged.every((e) => e instanceof RangeError));
});

test('progress is reported and ends at the total; read failures become findings', async () => {
  await sim.control('POST', '/_sim/reset', { seed: 42, size: 400, redsky: false });
  await sim.faults({ failShare: 0.1, seed: 7 });
  try {
    const seen = [];
    const report = await client({ maxRetries: 0 }).audit({ concurrency: 4, onProgress: (d, t, f) => seen.push([d, t, f]) });
    assert.deepEqual(pairs(report), await expected());
    const failed = report.findings.filter((f) => f.rule === 'read-failed');
    assert.ok(failed.length > 0 && failed.every((f) => f.message.includes('503')));
    const last = seen.at(-1);
    const audited = Object.values(report.audited).reduce((a, b) => a + b, 0);
    assert.equal(last[0], audited - 1); // the org is read before progress starts
    assert.equal(last[1], last[0]);
    assert.equal(last[2], failed.length);
    assert.ok(seen.every(([d, t]) => t === null || d <= t));
  } finally {
    await sim.faults({});
  }
});

test('the call fails for refused credentials, bad options and an abort', async () => {
  await sim.control('POST', '/_sim/reset', { seed: 42, size: 200, redsky: false });
  await assert.rejects(client({ token: 'wrong' }).audit(), we.AuthenticationError);
  await assert.rejects(client().audit({ locations: ['..'] }), (e) => e instanceof we.ValidationError
    && e.errors[0].field === 'locations[0]');
  await assert.rejects(client().audit({ locations: [7] }), (e) => e instanceof we.ValidationError
    && e.errors[0].field === 'locations[0]');
  await assert.rejects(client().audit({ locations: 'x' }), we.ValidationError);
  await assert.rejects(client().audit({ concurrency: 0 }), we.ConfigError);
  await assert.rejects(client().audit({ concurrency: -1 }), we.ConfigError);
  const abort = new AbortController();
  const running = client().audit({ concurrency: 1, onProgress: (d) => { if (d === 3) abort.abort(); }, signal: abort.signal });
  await assert.rejects(running, we.AbortError);
});

test('only the chosen locations are audited', async () => {
  await sim.control('POST', '/_sim/reset', { seed: 42, size: 200, redsky: false });
  const c = client();
  const first = (await c.locations.listPage({ max: 1 })).items[0];
  const report = await c.audit({ locations: [first.id] });
  assert.equal(report.audited.location, 1);
  assert.ok(report.findings.every((f) => !f.location || f.location.id === first.id));
  assert.deepEqual(report.byLocation.map((l) => l.id), [first.id]);
});

test('directory lists stream every page (cursors in Link headers), and a repeated page ends with an error', async () => {
  await sim.control('POST', '/_sim/reset', { seed: 42, size: 300, redsky: false });
  const c = client();
  const dir = await sim.directory();
  const people = [];
  for await (const p of c.people.list({ pageSize: 7 })) people.push(p.id);
  assert.equal(people.length, dir.people.length);
  assert.equal(new Set(people).size, people.length);
  let lines = 0;
  for await (const v of c.virtualLines.list({ pageSize: 3 })) lines += v.location?.id ? 1 : 0;
  assert.equal(lines, dir.virtualLines.length);
  const locations = [];
  for await (const l of c.locations.list({ pageSize: 1 })) locations.push(l.name);
  assert.equal(locations.length, dir.locations.length);
  const ecbn = await c.locations.getEcbn(dir.locations[0].id);
  assert.ok(['LOCATION_NUMBER', 'LOCATION_MEMBER_NUMBER'].includes(ecbn.selected));

  await sim.faults({ repeatPage: true });
  try {
    await assert.rejects(async () => { for await (const _ of c.people.list({ pageSize: 5 })) { /* read all */ } },
      (e) => e instanceof we.DecodeError && /again|already read/.test(e.message));
  } finally {
    await sim.faults({});
  }
});

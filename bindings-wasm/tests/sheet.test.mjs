// Bulk CSV sheets through the npm package in Node 20, against the simulator: the same rows,
// statuses and errors as the command line's `bulk`, dry runs that send nothing, abort, resume.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as we from '../pkg/index.js';
import { load, startSim } from './helpers.mjs';

load();
let sim;
before(async () => {
  sim = await startSim('--seed', '42', '--size', '200');
});
after(() => sim.stop());
const client = () => new we.Client({ token: 'sim-token', baseUrl: sim.baseUrl, maxRetries: 6 });

test('a plan from the audit, dry run then applied, clears the planned findings', async () => {
  await sim.control('POST', '/_sim/reset', { seed: 42, size: 200 });
  await sim.faults({});
  const c = client();
  const plan = we.reportPlanCsv(await c.audit());
  const planned = plan.trim().split('\r\n').length - 1;
  assert.ok(planned > 5);
  const before = (await sim.journal()).length;
  const dry = await c.bulkCsv('ecbn', plan, { dryRun: true });
  assert.equal(dry.counts.planned, planned);
  assert.equal(dry.rows[0].request.method, 'PUT');
  assert.equal((await sim.journal()).length, before, 'a dry run sends nothing');
  const seen = [];
  const done = await c.bulkCsv('ecbn', plan, { onRow: (r) => seen.push(r.line) });
  assert.equal(done.counts.done, planned);
  assert.deepEqual(done.rows.map((r) => r.line), [...Array(planned).keys()].map((i) => i + 2));
  assert.equal(seen.length, planned);
  assert.ok(done.csv.startsWith('kind,id,selected,locationMemberId,name,locationName,rules,status,error\r\n'));
  const after = await c.audit();
  const fixed = new Set(plan.trim().split('\r\n').slice(1).map((l) => l.split(',')[1]));
  assert.ok(!after.findings.some((f) => fixed.has(f.entity.id) && f.rule.startsWith('ecbn-')));
  const again = await c.bulkCsv('ecbn', plan, { resume: done.csv });
  assert.equal(again.rows.length, 0);
  assert.equal(again.kept, planned);
});

test('malformed rows fail alone with line and column; a bad header rejects with a ValidationError', async () => {
  await sim.faults({});
  const dir = await sim.directory();
  const text = `kind,id,selected,locationMemberId\nperson,${dir.people[0]},LOCATION_ECBN,\nrobot,x,LOCATION_ECBN,\n`
    + `person,${dir.workspaces[0]},LOCATION_ECBN,\n`;
  const r = await client().bulkCsv('ecbn', text);
  assert.deepEqual(r.rows.map((x) => [x.line, x.status]), [[2, 'done'], [3, 'failed'], [4, 'failed']]);
  assert.deepEqual(r.rows.map((x) => x.code), [null, 'validation', 'validation']);
  assert.match(r.rows[1].error, /^line 3, column kind: `robot` is not one of/);
  assert.match(r.rows[2].error, /^line 4, column id: expected a PEOPLE ID but got a PLACE ID/);
  await assert.rejects(client().bulkCsv('ecbn', 'kind,id\n'),
    (e) => e instanceof we.ValidationError && e.errors[0].field === 'line 1, column selected, locationMemberId');
  await assert.rejects(client().bulkCsv('members', text), (e) => e instanceof we.ConfigError);
});

test('abort stops new requests: every row is reported, the rest skipped', async () => {
  await sim.faults({ latencyMs: 30 });
  const dir = await sim.directory();
  const lines = dir.people.slice(0, 80).map((p) => `person,${p},LOCATION_ECBN,`);
  const text = `kind,id,selected,locationMemberId\n${lines.join('\n')}\n`;
  const abort = new AbortController();
  let n = 0;
  const r = await client().bulkCsv('ecbn', text, {
    concurrency: 2, signal: abort.signal, onRow: () => { if (++n === 10) abort.abort(); },
  });
  await sim.faults({});
  assert.equal(r.rows.length, 80);
  assert.ok(r.counts.done >= 10 && r.counts.skipped > 0, JSON.stringify(r.counts));
  assert.equal(r.counts.done + r.counts.skipped, 80);
});

test('an exception from onRow is written to the console; the run goes on and resolves with every row', async () => {
  await sim.faults({});
  const dir = await sim.directory();
  const lines = dir.people.slice(0, 30).map((p) => `person,${p},LOCATION_ECBN,`);
  const text = `kind,id,selected,locationMemberId\n${lines.join('\n')}\n`;
  const logged = [];
  const original = console.error;
  console.error = (e) => logged.push(e);
  let r;
  try {
    r = await client().bulkCsv('ecbn', text, { concurrency: 2, onRow: (row) => { if (row.line % 10 === 0) throw new TypeError('my store is full'); } });
  } finally {
    console.error = original;
  }
  assert.equal(r.counts.done, 30);
  assert.equal(r.csv.trim().split('\n').length, 31, 'the results file has every row');
  assert.equal(logged.length, 3);
  assert.ok(logged.every((e) => e instanceof TypeError));
});

// The shared vectors of tests/vectors/, run through the npm package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { Client, ValidationError, normalize, operations } from '../pkg/index.js';
import { load, ROOT } from './helpers.mjs';

load();
const dir = `${ROOT}tests/vectors/`;
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

test('every operation has a vector file', () => {
  const ops = operations().map((o) => o.name).sort();
  assert.deepEqual(files.map((f) => f.replace(/\.json$/, '')).sort(), ops);
});

for (const file of files) {
  const { operation, cases } = JSON.parse(readFileSync(dir + file, 'utf8'));
  const op = operations().find((o) => o.name === operation);
  const [resource, name] = operation.split('.');
  for (const c of cases) {
    test(`${operation}: ${c.name}`, async () => {
      if (c.response) {
        assert.deepEqual(normalize(operation, c.response.body), c.result);
        return;
      }
      const client = new Client({ token: 'vector-token', baseUrl: 'https://webexapis.com/v1' });
      const fn = client[camel(resource)][camel(name)];
      const a = c.args;
      const options = { dryRun: true, orgId: a.orgId };
      let call;
      if (op.query.length) call = () => fn({ start: a.start, max: a.max, order: a.order }, options);
      else if (op.pathParam && op.request) call = () => fn(a.id, a.body, options);
      else if (op.pathParam) call = () => fn(a.id, options);
      else if (op.request) call = () => fn(a.body, options);
      else if ('body' in a) {
        // No body parameter in JS: the core's own check is reached through the raw module.
        call = () => client._native.dryRun(operation, undefined, a.body, options);
      } else call = () => fn(options);
      if (c.request) {
        const got = await call();
        assert.deepEqual([got.method, got.path, got.query, got.body], [c.request.method, c.request.path, c.request.query, c.request.body]);
        assert.ok(!JSON.stringify(got).includes('vector-token'));
      } else {
        let err;
        try { await call(); } catch (e) { err = e; }
        assert.ok(err, 'expected a validation error');
        const errors = err instanceof ValidationError ? err.errors : err.errors ?? [];
        assert.deepEqual(errors.map((e) => ({ field: e.field, rule: e.rule })), c.errors);
      }
    });
  }
}

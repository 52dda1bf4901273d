// Loading the module: what a caller sees before `init()` and after a failed one (in a process
// of its own, so the module is not loaded by another test first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as we from '../pkg/index.js';

test('before init() every entry point throws a ConfigError saying so; a failed init() can be retried', async () => {
  const entries = [() => new we.Client({ token: 't' }), () => we.operations(), () => we.errorClasses(),
    () => we.auditRules(), () => we.reportToJson({}), () => we.normalize('people.get_ecbn', {})];
  for (const f of entries) {
    assert.throws(f, (e) => e instanceof we.ConfigError && e.message.includes('await init()'), String(f));
  }
  await assert.rejects(we.init(new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9])),
    (e) => e instanceof we.ConfigError && e.message.startsWith('cannot load the WebAssembly module') && e.cause instanceof Error);
  await we.init();
  assert.equal(new we.Client({ token: 't' }).baseUrl, 'https://webexapis.com/v1');
  assert.ok(we.operations().length >= 26);
});

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
  assert.throws(() => we.initSync(new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9])),
    (e) => e instanceof we.ConfigError && e.cause instanceof Error, 'initSync fails as init() does');
  await we.init();
  we.initSync(new Uint8Array([1, 2, 3])); // already loaded: nothing to do (no second instance)
  assert.equal(new we.Client({ token: 't' }).baseUrl, 'https://webexapis.com/v1');
  const bare = new we.Client(null); // options of null are none (not a TypeError)
  assert.equal(bare.baseUrl, 'https://webexapis.com/v1');
  await assert.rejects(bare.notifications.getOrg(), (e) => e instanceof we.ConfigError && /no access token/.test(e.message));
  assert.ok(we.operations().length >= 26);
});

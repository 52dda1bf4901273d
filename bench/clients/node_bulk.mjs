// A bulk ECBN update of the people in <ids-file> through the npm package in Node, for bench.py.
// Usage: node node_bulk.mjs <base-url> <ids-file> <concurrency>; prints JSON.
import { readFileSync } from 'node:fs';
import * as we from '../../bindings-wasm/pkg/index.js';

we.initSync(readFileSync(new URL('../../bindings-wasm/pkg/webex_emergency_wasm_bg.wasm', import.meta.url)));
const [baseUrl, idsFile, concurrency] = process.argv.slice(2);
const ids = readFileSync(idsFile, 'utf8').split('\n').filter(Boolean);
const client = new we.Client({ token: 'sim-token', baseUrl });
const t = performance.now();
const out = await client.people.bulkUpdateEcbn(ids.map((id) => [id, { selected: 'LOCATION_ECBN' }]),
  { concurrency: Number(concurrency) });
console.log(JSON.stringify({ wall: (performance.now() - t) / 1000, failed: out.filter((r) => !r.ok).length, n: out.length }));

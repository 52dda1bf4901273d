// Run by client.test.mjs in a process of its own (node --expose-gc): the heap kept per call of
// the package over many calls, with nothing else in the process. Prints bytes per call.
import * as we from '../pkg/index.js';

const [baseUrl, personId, count] = process.argv.slice(2);
await we.init();
const c = new we.Client({ token: 'sim-token', baseUrl });
const heap = () => { global.gc(); global.gc(); return process.memoryUsage().heapUsed; };
// Measured after a warm-up (the engine's own first allocations are not the client's).
for (let i = 0; i < 2000; i++) await c.people.getEcbn(personId);
const before = heap();
for (let i = 0; i < Number(count); i++) await c.people.getEcbn(personId);
console.log(((heap() - before) / Number(count)).toFixed(0));

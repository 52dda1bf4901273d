// The package through a bundler: a page that imports `webex-emergency` is built with Vite, then the
// built page runs in real headless Chromium against the simulator (the .wasm must be emitted as an
// asset and found by `init()` without help).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { startSim, serveDir, launchChromium } from './helpers.mjs';

const PKG = fileURLToPath(new URL('../pkg/', import.meta.url));
let dir;
let sim;
let server;
let browser;

const PAGE = `<!doctype html><html><body><script type="module" src="./main.js"></script></body></html>`;
const MAIN = `import { init, Client, ValidationError } from 'webex-emergency';
const q = new URLSearchParams(location.search);
try {
  await init();
  const client = new Client({ token: 'sim-token', baseUrl: q.get('base') });
  const ecbn = await client.people.getEcbn(q.get('person'));
  let refused = '';
  try {
    await client.people.updateEcbn(q.get('person'), { selected: 'NOT_A_CHOICE' });
  } catch (e) {
    refused = e instanceof ValidationError ? e.errors[0].field : 'other:' + e;
  }
  document.title = 'ok ' + ecbn.selected + ' ' + refused;
} catch (e) {
  document.title = 'failed ' + e;
}
`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'we-vite-'));
  await writeFile(join(dir, 'index.html'), PAGE);
  await writeFile(join(dir, 'main.js'), MAIN);
  await build({
    root: dir,
    logLevel: 'warn',
    resolve: { alias: { 'webex-emergency': join(PKG, 'index.js') } },
    build: { outDir: join(dir, 'dist'), target: 'es2022' },
  });
  sim = await startSim('--size', '50');
  server = await serveDir(join(dir, 'dist'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.close();
  sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('Vite emits the .wasm as an asset and the built page calls the API with it', async () => {
  const assets = await readdir(join(dir, 'dist', 'assets'));
  assert.ok(assets.some((f) => f.endsWith('.wasm')), `no .wasm among ${assets}`);
  const ids = await sim.directory();
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const url = `http://localhost:${server.address().port}/?base=${encodeURIComponent(sim.baseUrl)}&person=${ids.people[0]}`;
  await page.goto(url);
  await page.waitForFunction(() => document.title !== '', null, { timeout: 15000 });
  assert.equal(await page.title(), 'ok DIRECT_LINE selected');
  assert.deepEqual(errors, []);
  const journal = await sim.journal();
  assert.deepEqual(journal.map((e) => e.method), ['GET']);
  await page.close();
});

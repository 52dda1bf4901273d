// Starts the project's simulator binary for the Node and browser tests.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { initSync } from '../pkg/index.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SIM_BIN = process.env.WEBEX_SIM_BIN ?? `${ROOT}target/debug/webex-emergency-sim`;

let loaded = false;
export function load() {
  if (!loaded) {
    initSync(readFileSync(new URL('../pkg/webex_emergency_wasm_bg.wasm', import.meta.url)));
    loaded = true;
  }
}

export async function startSim(...args) {
  const child = spawn(SIM_BIN, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = await once(child.stdout, 'data');
  const baseUrl = chunk.toString().trim().split('\n')[0];
  const root = baseUrl.replace(/\/v1$/, '');
  const control = async (method, path, body) => {
    const headers = { 'content-type': 'application/json' };
    const r = await fetch(root + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return r.json();
  };
  return {
    baseUrl,
    root,
    control,
    directory: () => control('GET', '/_sim/directory?limit=20000'),
    faults: (f) => control('PUT', '/_sim/faults', f),
    journal: async () => (await control('GET', '/_sim/journal')).items,
    reset: () => control('POST', '/_sim/reset', {}),
    stop: () => { child.kill('SIGTERM'); },
  };
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** A static file server for `dir` on 127.0.0.1 (`/` serves index.html); resolves once listening. */
export async function serveDir(dir) {
  const { createServer } = await import('node:http');
  const { readFile } = await import('node:fs/promises');
  const { extname, join, normalize } = await import('node:path');
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const file = path.endsWith('/') ? `${path}index.html` : path;
    try {
      const body = await readFile(join(dir, file));
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

/** Debian's Chromium, headless, with the flags the project's browser tests use. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

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
    const r = await fetch(root + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
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

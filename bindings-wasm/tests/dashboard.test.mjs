// The readiness dashboard (examples/admin-page) in Debian's headless Chromium, against the
// simulator on another origin (CORS): connect, audit, filter, export, bulk preview with a bad row,
// apply, cancel, audit again; with hidden Retry-After and injected 429s; 1,000+ findings.
// Screenshots go to target/screenshots/ for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startSim, ROOT, serveDir, launchChromium } from './helpers.mjs';

const SERVE = fileURLToPath(new URL('..', import.meta.url));
const SHOTS = `${ROOT}target/screenshots`;
let sim;
let server;
let pageUrl;
let browser;

before(async () => {
  sim = await startSim('--size', '200');
  server = await serveDir(SERVE);
  pageUrl = `http://localhost:${server.address().port}/examples/admin-page/index.html`;
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
  sim?.stop();
});

const expected = async () => (await sim.control('GET', '/_sim/expected-findings')).items
  .map((f) => `${f.entityId} ${f.rule}`).sort();

/** Splits CSV text into records of cells (quotes and doubled quotes; enough for these files). */
function parseCsv(text) {
  const rows = [];
  let row = [''];
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { row[row.length - 1] += '"'; i += 1; } else if (ch === '"') quoted = false;
      else row[row.length - 1] += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push('');
    else if (ch === '\n') { rows.push(row); row = ['']; } else if (ch !== '\r') row[row.length - 1] += ch;
  }
  if (row.length > 1 || row[0]) rows.push(row);
  const [head, ...body] = rows;
  return body.map((cells) => Object.fromEntries(head.map((h, i) => [h, cells[i] ?? ''])));
}

async function open(token = 'sim-token') {
  const page = await browser.newPage({ acceptDownloads: true });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(pageUrl);
  await page.fill('#base-url', sim.baseUrl);
  await page.fill('#token', token);
  await page.click('#connect-button');
  return { page, errors };
}

async function audit(page) {
  await page.click('#run-audit');
  await page.waitForSelector('#message:has-text("Audited in")', { timeout: 120000 });
}

async function downloaded(page, button) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return readFile(await file.path(), 'utf8');
}

test('a refused token and an unreachable or CORS-blocking server get messages saying what to do', async () => {
  await sim.reset();
  const { page, errors } = await open('not-the-token');
  await page.waitForSelector('#message.bad');
  assert.match(await page.textContent('#message'), /token was refused \(401\)/);
  assert.equal(await page.isHidden('#audit-section'), true);
  // The simulator's control root answers without CORS headers: the browser blocks it.
  await page.fill('#base-url', `${sim.root}/_sim`);
  await page.fill('#token', 'sim-token');
  await page.click('#connect-button');
  await page.waitForSelector('#message:has-text("CORS")');
  assert.match(await page.textContent('#message'), /could not reach .*command line/s);
  assert.deepEqual(errors, []);
  await page.close();
});

test('audit, filter, export, bulk preview with a bad row, apply, audit again', async () => {
  await sim.control('POST', '/_sim/reset', { seed: 42, size: 200 });
  await sim.faults({});
  const { page, errors } = await open();
  await page.waitForSelector('#message:has-text("Connected")');
  assert.equal(await page.inputValue('#token'), 'sim-token');
  assert.ok(!page.url().includes('sim-token'));
  await audit(page);
  const want = await expected();
  assert.equal(await page.textContent('#shown'), `${want.length} of ${want.length} findings`);
  assert.equal(await page.locator('#findings tbody tr').count(), want.length);
  const progress = await page.textContent('#audit-progress-text');
  assert.match(progress, /^(\d+) \/ \1$/);
  await page.screenshot({ path: `${SHOTS}/dashboard-audit.png`, fullPage: true });

  // The exported CSV parses and is the audit's findings; the JSON too.
  const rows = parseCsv(await downloaded(page, '#export-csv'));
  assert.deepEqual(rows.map((r) => `${r.entityId} ${r.rule}`).sort(), want);
  const json = JSON.parse(await downloaded(page, '#export-json'));
  assert.equal(json.findings.length, want.length);

  // Filters: severity, rule, location, name.
  const errorsOnly = rows.filter((r) => r.severity === 'error').length;
  await page.selectOption('#filter-severity', 'error');
  assert.equal(await page.textContent('#shown'), `${errorsOnly} of ${want.length} findings`);
  const rule = rows.find((r) => r.severity === 'error').rule;
  await page.selectOption('#filter-rule', rule);
  const byRule = rows.filter((r) => r.severity === 'error' && r.rule === rule).length;
  assert.equal(await page.locator('#findings tbody tr').count(), byRule);
  await page.selectOption('#filter-severity', '');
  await page.selectOption('#filter-rule', '');
  const loc = rows.find((r) => r.locationId);
  await page.selectOption('#filter-location', loc.locationId);
  assert.equal(await page.locator('#findings tbody tr').count(), rows.filter((r) => r.locationId === loc.locationId).length);
  await page.selectOption('#filter-location', '');
  await page.fill('#filter-name', rows[0].entityName);
  assert.ok(await page.locator('#findings tbody tr').count() >= 1);
  assert.match(await page.textContent('#findings tbody'), new RegExp(rows[0].entityName));
  await page.fill('#filter-name', '');

  // Bulk: the plan plus a bad row; the preview sends nothing and names the line and column.
  await page.click('#use-plan');
  await page.waitForSelector('#bulk-summary:has-text("The audit\'s plan chosen")');
  const planCsv = await downloadedPlan(page);
  const planned = parseCsv(planCsv).length;
  assert.ok(planned > 5);
  const bad = `${planCsv.trimEnd()}\r\nrobot,x,LOCATION_ECBN,,lobby phone,,\r\n`;
  await page.setInputFiles('#csv-file', { name: 'changes.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  const sent = (await sim.journal()).length;
  await page.click('#preview');
  await page.waitForSelector('#bulk-summary:has-text("Preview:")');
  assert.equal(await page.textContent('#bulk-summary'), `Preview: ${planned} rows valid, 1 with errors; nothing was sent.`);
  assert.equal(await page.textContent('#bulk-progress-text'), `${planned + 1} / ${planned + 1}, 1 with errors`, 'a preview fails nothing');
  assert.match(await page.textContent('#rows tbody'), new RegExp(`line ${planned + 2}, column kind: \`robot\` is not one of`));
  assert.equal((await sim.journal()).length, sent, 'a preview sends nothing');
  await page.locator('#bulk-section').screenshot({ path: `${SHOTS}/dashboard-bulk-preview.png` });

  // Apply, download the results, audit again: the planned findings are gone.
  await page.click('#apply');
  await page.waitForSelector('#bulk-summary:has-text("Applied:")');
  assert.equal(await page.textContent('#bulk-summary'), `Applied: ${planned} done, 1 failed, 0 skipped.`);
  const results = parseCsv(await downloaded(page, '#download-results'));
  assert.equal(results.length, planned + 1);
  assert.deepEqual(results.map((r) => r.status).sort(), [...Array(planned).fill('done'), 'failed'].sort());
  const puts = (await sim.journal()).filter((e) => e.method === 'PUT');
  assert.equal(puts.length, planned);
  assert.ok(puts[0].headers.origin.startsWith('http://localhost:'), 'cross-origin requests from the page');
  await page.click('#audit-again');
  await page.waitForSelector('#message:has-text("Audited in")');
  const planIds = new Set(parseCsv(planCsv).map((r) => r.id));
  const left = parseCsv(await downloaded(page, '#export-csv'));
  assert.ok(!left.some((r) => planIds.has(r.entityId) && r.rule.startsWith('ecbn-')), 'the planned findings are gone');
  assert.ok(left.length < rows.length);
  assert.deepEqual(errors, []);
  await page.close();
});

/** The plan the page would apply, as the package makes it in the page. */
async function downloadedPlan(page) {
  return page.evaluate(async () => {
    const m = await import('/pkg/index.js');
    const c = new m.Client({ token: 'sim-token', baseUrl: document.getElementById('base-url').value });
    return m.reportPlanCsv(await c.audit());
  });
}

test('a dropped CSV; cancel stops its run: finished rows done, the rest skipped', async () => {
  await sim.control('POST', '/_sim/reset', { seed: 42, size: 400 });
  await sim.faults({});
  const dir = await sim.directory();
  const { page } = await open();
  await page.waitForSelector('#message:has-text("Connected")');
  const csv = `kind,id,selected,locationMemberId\n${dir.people.slice(0, 200).map((p) => `person,${p},LOCATION_ECBN,`).join('\n')}\n`;
  // Dropped on the drop zone, as an admin drags a file from the desktop.
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], 'many.csv', { type: 'text/csv' }));
    document.getElementById('drop').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, csv);
  await page.waitForSelector('#bulk-summary:has-text("many.csv chosen")');
  await sim.faults({ latencyMs: 40 });
  await page.click('#apply');
  await page.waitForFunction(() => Number(document.getElementById('bulk-progress').value) >= 10);
  await page.click('#cancel');
  await page.waitForSelector('#bulk-summary:has-text("Applied:")');
  const [, done, failed, skipped] = /Applied: (\d+) done, (\d+) failed, (\d+) skipped/.exec(await page.textContent('#bulk-summary'));
  assert.equal(Number(done) + Number(failed) + Number(skipped), 200);
  assert.ok(Number(skipped) > 0 && Number(done) >= 10, `${done} done, ${skipped} skipped`);
  // A preview in between changes nothing; then apply again: the rows done are not sent again,
  // the rest are.
  await sim.faults({});
  await page.click('#preview');
  await page.waitForSelector('#bulk-summary:has-text("Preview:")');
  assert.equal(await page.isVisible('#download-results'), true, 'the applied run\'s results stay downloadable');
  const start = (await sim.journal()).length;
  await page.click('#apply');
  await page.waitForSelector(`#bulk-summary:has-text("${done} done before, not sent again")`);
  const second = (await sim.journal()).slice(start).filter((e) => e.method === 'PUT').length;
  assert.equal(second, 200 - Number(done));
  assert.match(await page.textContent('#bulk-summary'), new RegExp(`Applied: ${200 - Number(done)} done, 0 failed, 0 skipped`));
  await page.close();
});

test('with Retry-After hidden by CORS and injected 429s the audit still gives exactly the expected findings', async () => {
  await sim.control('POST', '/_sim/reset', { seed: 42, size: 200 });
  await sim.control('PUT', '/_sim/config', { exposeRetryAfter: false });
  try {
    const { page, errors } = await open();
    await page.waitForSelector('#message:has-text("Connected")');
    const every4th = Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? { status: 429, retryAfter: '1' } : {}));
    await sim.faults({ script: every4th });
    await audit(page);
    const statuses = (await sim.journal()).map((e) => e.status);
    assert.ok(statuses.filter((s) => s === 429).length >= 5, 'the 429s were injected');
    const want = await expected();
    assert.equal(await page.textContent('#shown'), `${want.length} of ${want.length} findings`);
    const rows = parseCsv(await downloaded(page, '#export-csv'));
    assert.deepEqual(rows.map((r) => `${r.entityId} ${r.rule}`).sort(), want);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await sim.control('PUT', '/_sim/config', { exposeRetryAfter: true });
    await sim.faults({});
  }
});

test('a server that exposes no headers cannot hide members: the audit names the list it could not finish', async () => {
  await sim.control('POST', '/_sim/reset', { seed: 42, size: 200 });
  await sim.control('PUT', '/_sim/config', { exposeHeaders: false });
  try {
    const { page, errors } = await open();
    await page.waitForSelector('#message:has-text("Connected")');
    await audit(page);
    const rows = parseCsv(await downloaded(page, '#export-csv'));
    const failed = rows.filter((r) => r.rule === 'read-failed');
    assert.equal(failed.length, 1, JSON.stringify(failed));
    assert.match(failed[0].message, /people\.list_page.*CORS/s);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await sim.control('PUT', '/_sim/config', { exposeHeaders: true });
  }
});

test('1,000+ findings render a page at a time and the page stays responsive', async () => {
  await sim.control('POST', '/_sim/reset', { seed: 42, size: 9000 });
  await sim.faults({});
  const { page, errors } = await open();
  await page.waitForSelector('#message:has-text("Connected")');
  await audit(page);
  const want = await expected();
  assert.ok(want.length >= 1000, `${want.length} findings`);
  assert.equal(await page.textContent('#shown'), `${want.length} of ${want.length} findings`);
  assert.equal(await page.locator('#findings tbody tr').count(), 100);
  const t = Date.now();
  await page.click('#next-page');
  await page.fill('#filter-name', 'a');
  await page.selectOption('#filter-severity', 'warning');
  assert.ok(Date.now() - t < 2000, `filtering ${want.length} findings took ${Date.now() - t} ms`);
  assert.match(await page.textContent('#page-text'), /^page 1 of \d+$/);
  // Keyboard: Tab reaches the pager buttons and Enter turns the page.
  await page.selectOption('#filter-severity', '');
  await page.fill('#filter-name', '');
  await page.focus('#next-page');
  await page.keyboard.press('Enter');
  assert.match(await page.textContent('#page-text'), /^page 2 of/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a run in progress keeps its CSV and connection; a token refused mid-run says so; a reconnect keeps or forgets the work', async () => {
  await sim.control('POST', '/_sim/reset', { seed: 42, size: 400 });
  await sim.faults({});
  const dir = await sim.directory();
  const { page, errors } = await open();
  await page.waitForSelector('#message:has-text("Connected")');
  const drop = (text, name) => page.evaluate(([t, n]) => {
    const data = new DataTransfer();
    data.items.add(new File([t], n, { type: 'text/csv' }));
    document.getElementById('drop').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, [text, name]);
  const csv = `kind,id,selected,locationMemberId\n${dir.people.slice(0, 150).map((p) => `person,${p},LOCATION_ECBN,`).join('\n')}\n`;
  await drop(csv, 'first.csv');
  await page.waitForSelector('#bulk-summary:has-text("first.csv chosen")');
  await sim.faults({ latencyMs: 40 });
  await page.click('#apply');
  await page.waitForFunction(() => Number(document.getElementById('bulk-progress').value) >= 5);
  // Another CSV while it runs is refused; the connection and the plan cannot change meanwhile.
  await drop('kind,id,selected,locationMemberId\n', 'second.csv');
  await page.waitForSelector('#message:has-text("A run is in progress")');
  for (const id of ['#connect-button', '#use-plan', '#csv-file', '#run-audit']) assert.equal(await page.isDisabled(id), true, id);
  // The token is refused from now on: the run stops, and the page says why.
  await sim.control('PUT', '/_sim/config', { tokens: ['a-new-token'] });
  await page.waitForSelector('#bulk-summary:has-text("Applied:")');
  await sim.faults({});
  assert.match(await page.textContent('#message'), /token was refused \(401\) during the run/);
  assert.match(await page.textContent('#rows tbody tr:first-child td:nth-child(2)'), /failed/, 'failed rows are shown first');
  const [, done] = /Applied: (\d+) done/.exec(await page.textContent('#bulk-summary'));
  assert.ok(Number(done) >= 5 && Number(done) < 150, done);
  // A new token for the same organization keeps the CSV and its results: applying resumes.
  await page.fill('#token', 'a-new-token');
  await page.click('#connect-button');
  await page.waitForSelector('#message:has-text("Connected again to the same organization")');
  const start = (await sim.journal()).length;
  await page.click('#apply');
  await page.waitForSelector(`#bulk-summary:has-text("${done} done before, not sent again")`);
  const puts = (await sim.journal()).slice(start).filter((e) => e.method === 'PUT' && e.status === 204);
  assert.equal(puts.length, 150 - Number(done));
  // A connection that fails leaves nothing to act with (the old client is dropped); connecting
  // to the same organization again then finds its work.
  const otherOrg = Buffer.from('ciscospark://us/ORGANIZATION/00000000-0000-4000-8000-000000000001').toString('base64').replace(/=+$/, '');
  await page.fill('#org-id', otherOrg);
  await page.click('#connect-button');
  await page.waitForSelector('#message.bad');
  assert.equal(await page.isHidden('#bulk-section'), true);
  assert.equal(await page.isHidden('#audit-section'), true);
  await page.fill('#org-id', '');
  await page.click('#connect-button');
  await page.waitForSelector('#message:has-text("Connected again to the same organization")');
  // A plan chosen from an audit is dropped by the next audit (it may undo changes made since);
  // what was applied of it stays downloadable.
  await audit(page);
  await page.click('#use-plan');
  await page.waitForSelector('#bulk-summary:has-text("The audit\'s plan chosen")');
  await page.click('#apply');
  await page.waitForSelector('#bulk-summary:has-text("Applied:")');
  await page.click('#audit-again');
  await page.waitForSelector('#bulk-summary:has-text("The audit changed")');
  assert.equal(await page.isDisabled('#apply'), true);
  const applied = parseCsv(await downloaded(page, '#download-results'));
  assert.ok(applied.length > 0 && applied.every((r) => r.status === 'done'), JSON.stringify(applied.slice(0, 2)));
  // The same base URL, no org ID given, but the token's organization is another (the simulator
  // reseeded: a new org ID): the work is forgotten too, the organization read when connecting.
  const before = (await sim.directory()).orgId;
  await sim.control('POST', '/_sim/reset', { seed: 7, size: 200 });
  assert.notEqual((await sim.directory()).orgId, before);
  await page.click('#connect-button');
  await page.waitForSelector('#message:has-text("Connected. Run the audit.")');
  assert.equal(await page.isHidden('#download-results'), true);
  assert.equal(await page.isHidden('#report'), true);
  assert.deepEqual(errors, []);
  await sim.control('PUT', '/_sim/config', { tokens: ['sim-token'] });
  await page.close();
});

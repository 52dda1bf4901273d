// The emergency-readiness dashboard: connect, audit, look at the findings, export them, and
// apply a bulk ECBN CSV (the audit's plan or a file). Every value and every check comes from the
// package (the audit, the plan, the rows' validation are the core's); this file only shows them.
// The token stays in this module's memory: never in storage or the URL.
import {
  init, Client, AuthenticationError, PermissionDeniedError, TransportError, ValidationError, APIError,
  reportToCsv, reportToJson, reportPlanCsv,
} from '../../pkg/index.js';
import { $, el, PagedTable, download, options } from './view.js';

let client = null;
let report = null;
let csvText = null;
/** Whether the chosen CSV is the audit's plan (a new audit makes it stale). */
let csvFromPlan = false;
/** The last run that applied `csvText` (not a preview): its results file resumes the next. */
let applied = null;
/** The AbortController of the sheet run in progress. */
let running = null;
/** An audit or a sheet run is in progress: the CSV and the connection stay as they are. */
let busy = false;
/** The base URL and org ID of the last connection made (whose work is kept on reconnecting). */
let connectedTo = null;

/** Controls that would change what a run in progress works on. */
const WORK_CONTROLS = ['connect-button', 'use-plan', 'csv-file', 'preview', 'apply', 'run-audit', 'audit-again'];

function setBusy(on) {
  busy = on;
  for (const id of WORK_CONTROLS) $(id).disabled = on;
  if (!on) {
    $('use-plan').disabled = !report;
    for (const id of ['preview', 'apply']) $(id).disabled = csvText === null;
  }
}

/** Forgets the report, the chosen CSV and the results (a new connection is another org). */
function forgetWork() {
  report = null;
  csvText = null;
  csvFromPlan = false;
  applied = null;
  $('report').hidden = true;
  $('rows').hidden = true;
  $('download-results').hidden = true;
  $('audit-again').hidden = true;
  $('bulk-summary').textContent = '';
  for (const id of ['use-plan', 'preview', 'apply']) $(id).disabled = true;
}

function say(text, bad = false) {
  $('message').textContent = text;
  $('message').className = bad ? 'bad' : '';
}

/** What an admin should read for an error, and what to do about it. */
function explain(e) {
  const base = $('base-url').value.trim();
  if (e instanceof AuthenticationError) {
    return 'The access token was refused (401). Get a new token (developer.webex.com, or your ' +
      'integration) and connect again.';
  }
  if (e instanceof PermissionDeniedError) {
    return 'The token may not read these settings (403): use a full or read-only administrator\'s ' +
      `token with the spark-admin:telephony_config scopes. (${e.apiMessage})`;
  }
  if (e instanceof ValidationError) {
    return `Not sent: ${e.errors.map((x) => `${x.field}: ${x.message} (${x.rule})`).join('; ')}`;
  }
  if (e instanceof APIError) {
    return `Webex answered ${e.status}: ${e.apiMessage || e.message} (tracking ID ${e.trackingId}).`;
  }
  if (e instanceof TransportError && e.kind !== 'aborted' && e.kind !== 'timeout') {
    return `The browser could not reach ${base}. Either the address is wrong or down, or that server ` +
      'does not allow requests from this page (CORS): the browser blocks the answer. Check the base URL; ' +
      'for a server without CORS, run the audit with the command line (`webex-emergency audit`) instead. ' +
      `(${e.message})`;
  }
  return String(e?.message ?? e);
}

// -- Connect -------------------------------------------------------------------------------------

$('connect').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (busy) return;
  // The previous client is dropped whatever the outcome. Its report, CSV and results are kept
  // only for the same base URL and organization (a new token after one expired); for another
  // they are forgotten, so that nothing made for one organization is applied through another's.
  // The organization is the org ID given, or else the token's, read from a location.
  const baseUrl = $('base-url').value.trim();
  const orgId = $('org-id').value.trim() || undefined;
  client = null;
  $('audit-section').hidden = true;
  $('bulk-section').hidden = true;
  say('Connecting…');
  try {
    await init();
    const next = new Client({ baseUrl, token: $('token').value.trim(), orgId });
    // Proves the token and that the browser may call the API, and names the organization.
    const page = await next.locations.listPage({ max: 1 });
    const org = orgId ?? page.items?.[0]?.orgId;
    const target = org ? `${baseUrl}\n${org}` : null; // an org without locations: not known
    if (target === null || target !== connectedTo) forgetWork();
    client = next;
    connectedTo = target;
    $('audit-section').hidden = false;
    $('bulk-section').hidden = false;
    say(report || csvText !== null ? 'Connected again to the same organization: the report, the CSV and its results are kept.'
      : 'Connected. Run the audit.');
  } catch (e) {
    say(explain(e), true);
  }
});

// -- Audit ---------------------------------------------------------------------------------------

const findingsTable = new PagedTable({
  body: $('findings').querySelector('tbody'), prev: $('prev-page'), next: $('next-page'), text: $('page-text'),
  render: (f) => el('tr', [
    el('td', f.severity, `sev-${f.severity}`),
    el('td', f.rule),
    el('td', `${f.entity.kind}: ${f.entity.name || f.entity.id}`),
    el('td', f.location?.name ?? ''),
    el('td', [el('div', f.message), el('div', `Fix: ${f.fix}`, 'fix')]),
  ]),
});

function progress(bar, text, done, total, failed, failures) {
  bar.max = total || Math.max(done, 1);
  bar.value = done;
  text.textContent = `${done} / ${total ?? '…'}${failed ? `, ${failed} ${failures}` : ''}`;
}

async function runAudit() {
  if (!client || busy) return;
  setBusy(true);
  say('Auditing…');
  try {
    report = await client.audit({
      onProgress: (done, total, failed) => progress($('audit-progress'), $('audit-progress-text'), done, total, failed,
        'reads failed'),
    });
    if (csvFromPlan) {
      // The plan chosen was the previous audit's: applying it now could undo changes made since.
      // What was applied of it stays downloadable until another CSV is chosen.
      csvText = null;
      csvFromPlan = false;
      $('bulk-summary').textContent = 'The audit changed: choose its plan (or a file) again.';
    }
    showReport();
    say(`Audited in ${(report.elapsedMs / 1000).toFixed(1)} s.`);
  } catch (e) {
    say(explain(e), true);
  } finally {
    setBusy(false);
  }
}

function showReport() {
  const c = report.counts;
  $('counts').replaceChildren(...['error', 'warning', 'info'].map((s) => el('span', `${c[s]} ${s}${c[s] === 1 ? '' : 's'}`,
    `sev-${s}`)));
  $('locations').querySelector('tbody').replaceChildren(...report.byLocation.map((l) => el('tr', [
    el('td', l.name), el('td', String(l.members)), el('td', String(l.findings.error), 'sev-error'),
    el('td', String(l.findings.warning), 'sev-warning'), el('td', String(l.findings.info)), el('td', l.ecbnQuality ?? ''),
  ])));
  options($('filter-rule'), [...new Set(report.findings.map((f) => f.rule))].sort().map((r) => [r, r]));
  options($('filter-location'), report.byLocation.map((l) => [l.id, l.name]));
  $('report').hidden = false;
  $('use-plan').disabled = false;
  filter();
}

function filter() {
  const severity = $('filter-severity').value;
  const rule = $('filter-rule').value;
  const location = $('filter-location').value;
  const name = $('filter-name').value.trim().toLowerCase();
  const shown = report.findings.filter((f) => (!severity || f.severity === severity) && (!rule || f.rule === rule)
    && (!location || f.location?.id === location) && (!name || f.entity.name.toLowerCase().includes(name)));
  $('shown').textContent = `${shown.length} of ${report.findings.length} findings`;
  findingsTable.set(shown);
}

$('run-audit').addEventListener('click', runAudit);
for (const id of ['filter-severity', 'filter-rule', 'filter-location']) $(id).addEventListener('change', filter);
$('filter-name').addEventListener('input', filter);
$('export-csv').addEventListener('click', () => download('findings.csv', reportToCsv(report), 'text/csv'));
$('export-json').addEventListener('click', () => download('findings.json', reportToJson(report), 'application/json'));

// -- Bulk ----------------------------------------------------------------------------------------

function useCsv(text, what, fromPlan = false) {
  if (busy) {
    say('A run is in progress: wait for it or cancel it before choosing another CSV.', true);
    return;
  }
  csvText = text;
  csvFromPlan = fromPlan;
  applied = null;
  $('preview').disabled = false;
  $('apply').disabled = false;
  $('rows').hidden = true;
  $('download-results').hidden = true;
  $('audit-again').hidden = true;
  $('bulk-summary').textContent = `${what} chosen. Preview its rows first.`;
}

async function readFile(file) {
  useCsv(await file.text(), file.name);
}

$('csv-file').addEventListener('change', () => $('csv-file').files[0] && readFile($('csv-file').files[0]));
$('drop').addEventListener('dragover', (ev) => { ev.preventDefault(); $('drop').classList.add('over'); });
$('drop').addEventListener('dragleave', () => $('drop').classList.remove('over'));
$('drop').addEventListener('drop', (ev) => {
  ev.preventDefault();
  $('drop').classList.remove('over');
  if (ev.dataTransfer.files[0]) readFile(ev.dataTransfer.files[0]);
});
$('use-plan').addEventListener('click', () => useCsv(reportPlanCsv(report), "The audit's plan", true));

function cell(r, columns, name) {
  const i = columns.indexOf(name);
  return i >= 0 ? r.cells[i] ?? '' : '';
}

function rowView(r, columns) {
  const member = cell(r, columns, 'name') || `${cell(r, columns, 'kind')} ${cell(r, columns, 'id')}`.trim();
  const detail = r.request ? `${r.request.method} ${r.request.path} ${JSON.stringify(r.request.body)}` : r.error;
  return el('tr', [el('td', String(r.line)), el('td', r.status, `st-${r.status}`), el('td', member), el('td', detail)]);
}

/** Rows to show, at most 1,000: failed and skipped first (in line order), then the rest. */
function rowsToShow(rows) {
  const rank = (r) => (r.status === 'failed' ? 0 : r.status === 'skipped' ? 1 : 2);
  return [...rows].sort((a, b) => rank(a) - rank(b) || a.line - b.line).slice(0, 1000);
}

async function runSheet(dryRun) {
  if (!client || csvText === null || busy) return;
  const abort = new AbortController();
  running = abort;
  setBusy(true);
  $('cancel').disabled = dryRun;
  const body = $('rows').querySelector('tbody');
  body.replaceChildren();
  $('rows').hidden = false;
  // Applying again after a cancel or failures resumes: the rows already done are not sent again
  // (a preview in between changes nothing).
  const resume = !dryRun && applied ? applied.csv : undefined;
  let done = 0;
  let failed = 0;
  try {
    const ran = await client.bulkCsv('ecbn', csvText, {
      dryRun, signal: abort.signal, resume,
      onRow: (r) => {
        done += 1;
        failed += r.status === 'failed';
        progress($('bulk-progress'), $('bulk-progress-text'), done, r.total, failed, dryRun ? 'with errors' : 'failed');
      },
    });
    if (!dryRun) applied = ran; // its csv holds the rows kept from before and this run's
    body.replaceChildren(...rowsToShow(ran.rows).map((r) => rowView(r, ran.columns)));
    const c = ran.counts;
    const shown = ran.rows.length > 1000
      ? ' (1,000 rows shown, failed and skipped first; the results CSV has all)' : '';
    const kept = ran.kept ? ` ${ran.kept} done before, not sent again.` : '';
    $('bulk-summary').textContent = dryRun
      ? `Preview: ${c.planned} rows valid, ${c.failed} with errors; nothing was sent.${shown}`
      : `Applied: ${c.done} done, ${c.failed} failed, ${c.skipped} skipped.${kept}${shown}`;
    $('download-results').hidden = !applied;
    $('audit-again').hidden = !applied;
    if (ran.rows.some((r) => r.code === 'authentication')) {
      say('The access token was refused (401) during the run, which stopped: the rows not sent are ' +
        '`skipped`. Connect with a new token and apply again; the rows done are not sent again.', true);
    }
  } catch (e) {
    say(explain(e), true);
    $('bulk-summary').textContent = 'Not run: see the message above.';
  } finally {
    running = null;
    $('cancel').disabled = true;
    setBusy(false);
  }
}

$('preview').addEventListener('click', () => runSheet(true));
$('apply').addEventListener('click', () => runSheet(false));
$('cancel').addEventListener('click', () => running?.abort());
$('download-results').addEventListener('click', () => download('results.csv', applied.csv, 'text/csv'));
$('audit-again').addEventListener('click', runAudit);

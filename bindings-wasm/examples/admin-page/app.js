// The admin page: every value shown comes from the package, every check is the core's.
import { init, Client, ValidationError, APIError } from '../../pkg/index.js';

const $ = (id) => document.getElementById(id);
let client = null;

function show(error) {
  if (!error) {
    $('error').textContent = '';
    return;
  }
  if (error instanceof ValidationError) {
    $('error').textContent = `Not sent: ${error.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`;
  } else if (error instanceof APIError) {
    $('error').textContent = `Webex answered ${error.status}: ${error.apiMessage} (tracking ID ${error.trackingId})`;
  } else {
    $('error').textContent = String(error.message ?? error);
  }
}

function row(scope, s) {
  const tr = document.createElement('tr');
  for (const text of [scope, String(s.emergencyCallNotificationEnabled ?? ''), s.emailAddress ?? '']) {
    const td = document.createElement('td');
    td.textContent = text;
    tr.append(td);
  }
  return tr;
}

async function refresh() {
  const person = $('person-id').value.trim();
  const location = $('location-id').value.trim();
  const [org, loc, ecbn] = await Promise.all([
    client.notifications.getOrg(),
    location ? client.notifications.getLocation(location) : null,
    person ? client.people.getEcbn(person) : null,
  ]);
  const body = $('notifications').querySelector('tbody');
  body.replaceChildren(row('Organization', org), ...(loc ? [row('Location', loc)] : []));
  if (ecbn) {
    const info = ecbn.directLineInfo ?? {};
    $('ecbn-selected').textContent = ecbn.selected ?? '';
    $('ecbn-number').textContent = info.effectiveValue ?? '';
    $('ecbn-quality').textContent = info.quality ?? '';
    $('ecbn-quality').className = `quality-${info.quality}`;
  }
}

$('connect').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  show(null);
  try {
    await init();
    client = new Client({ baseUrl: $('base-url').value.trim(), token: $('token').value.trim() });
    await refresh();
    $('status').textContent = 'Loaded.';
  } catch (e) {
    show(e);
  }
});

$('update').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  show(null);
  $('status').textContent = '';
  if (!client) return show(new Error('Load first.'));
  const update = { selected: $('selected').value };
  const member = $('member-id').value.trim();
  if (member) update.locationMemberId = member;
  try {
    await client.people.updateEcbn($('person-id').value.trim(), update);
    await refresh();
    $('status').textContent = `Updated: ${update.selected}.`;
  } catch (e) {
    show(e);
  }
});

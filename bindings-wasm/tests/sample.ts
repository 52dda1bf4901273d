// Uses every operation; checked with `tsc --strict` (not run).
import {
  init, Client, APIError, ValidationError, RateLimitError, type Ecbn, type EcbnDependencies, type PreparedRequest,
  type BulkResult, type RedSkyLocation, type OrgNotification, type ComplianceStatus, type AuditReport, type Finding,
  reportToCsv, reportToJson, reportPlanCsv, type SheetResults, type SheetRow,
} from '../pkg/index.js';

export async function everything(person: string, ws: string, vl: string, hg: string, loc: string): Promise<string[]> {
  await init();
  const c = new Client({ token: 't', baseUrl: 'http://127.0.0.1:8080/v1', timeoutMs: 5000, maxRetries: 2, orgId: undefined });
  const ac = new AbortController();
  const e: Ecbn = await c.people.getEcbn(person, { signal: ac.signal });
  const quality: string | undefined = e.directLineInfo?.quality;
  await c.people.updateEcbn(person, { selected: 'LOCATION_MEMBER_NUMBER', locationMemberId: ws }, { orgId: 'x' });
  const deps: EcbnDependencies = await c.people.ecbnDependencies(person);
  const n: number | undefined = deps.dependentMemberCount;
  await c.workspaces.getEcbn(ws);
  await c.workspaces.updateEcbn(ws, { elinEnabled: true });
  await c.workspaces.ecbnDependencies(ws);
  await c.virtualLines.getEcbn(vl);
  await c.virtualLines.updateEcbn(vl, { selected: 'LOCATION_ECBN' });
  await c.virtualLines.ecbnDependencies(vl);
  await c.huntGroups.ecbnDependencies(hg);
  const org: OrgNotification = await c.notifications.getOrg();
  await c.notifications.updateOrg({ emailAddress: 'a@example.org', emergencyCallNotificationEnabled: true });
  const ln = await c.notifications.getLocation(loc);
  await c.notifications.updateLocation(loc, { emailAddress: 'b@example.org' });
  const acct = await c.redsky.getAccount();
  await c.redsky.createAccount({ email: 'a@example.org', orgPrefix: 'wxc' });
  const login = await c.redsky.login({ email: 'a@example.org', password: 'pw' });
  await c.redsky.updateServiceSettings({ enabled: true, companyId: login.companyId });
  const st: ComplianceStatus = await c.redsky.getStatus();
  await c.redsky.updateStatus({ complianceStatus: 'LOCATION_SETUP' });
  const page = await c.redsky.complianceStatusPage({ start: 0, max: 100, order: 'locationName-asc' });
  const names: string[] = [];
  for await (const l of c.redsky.complianceStatuses({ pageSize: 50 })) {
    const loc2: RedSkyLocation = l;
    names.push(loc2.name ?? '');
  }
  const params = await c.redsky.locationParameters(loc);
  await c.redsky.locationStatus(loc);
  await c.redsky.createBuilding(loc, { alertingEmail: 'c@example.org', address: { city: 'Austin', country: 'US' } });
  await c.redsky.updateBuilding(loc, { address: { city: 'Dallas' } });
  const upd = await c.redsky.updateLocationStatus(loc, { complianceStatus: 'LOCATION_SETUP' });
  const shown: PreparedRequest = await c.people.updateEcbn(person, { selected: 'DIRECT_LINE' }, { dryRun: true });
  const results: BulkResult<void>[] = await c.people.bulkUpdateEcbn(
    [[person, { selected: 'DIRECT_LINE' }], { personId: person, elinEnabled: true }],
    { concurrency: 4, onProgress: (done, ok, failed) => void [done, ok, failed] },
  );
  const report: AuditReport = await c.audit({ concurrency: 4, onProgress: (d, t, f) => void [d, t ?? -1, f] });
  const worst: Finding | undefined = report.findings.find((f) => f.severity === 'error');
  const sheet: SheetResults = await c.bulkCsv('ecbn', reportPlanCsv(report), {
    dryRun: true, concurrency: 4, signal: ac.signal, onRow: (r: SheetRow) => void [r.line, r.status, r.error, r.request?.url],
  });
  const csv: string = reportToCsv(report) + reportToJson(report) + reportPlanCsv(report) + (worst?.location?.name ?? '')
    + sheet.csv + String(sheet.counts.planned + sheet.kept);
  for await (const p of c.people.list({ pageSize: 50 })) names.push(p.displayName ?? '', String(p.phoneNumbers?.length));
  try {
    await c.people.getEcbn(person);
  } catch (err) {
    if (err instanceof ValidationError) return err.errors.map((x) => `${x.field}:${x.rule}`);
    if (err instanceof RateLimitError) return [String(err.retryAfter)];
    if (err instanceof APIError) return [String(err.status), err.trackingId ?? ''];
  }
  return [quality ?? '', String(n), org.emailAddress ?? '', ln.emailAddress ?? '', String(acct.enabled), String(st.orgStatus),
    String(page.locationsStatus?.count), names.join(), String(params.routingEnabled), String(upd.locationsStatus?.state),
    shown.url, String(results.filter((r) => !r.ok).length), csv, String(report.audited.virtualLine)];
}

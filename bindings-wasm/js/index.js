// webex-emergency: the Rust core in WebAssembly. This file only turns the core's operation table
// into methods and the core's errors into exported classes; every API rule lives in the core.
import initWasm, {
  initSync as initWasmSync, NativeClient, auditRules as nativeAuditRules, errorClasses as nativeErrorClasses,
  normalize as nativeNormalize, operations as nativeOperations, reportCsv as nativeReportCsv,
  reportJson as nativeReportJson, reportPlanCsv as nativeReportPlanCsv,
} from './webex_emergency_wasm.js';

/** Base class of every error thrown by this package. `code` is the core's stable error code. */
export class WebexError extends Error {
  static code = 'error';
  constructor(message, data = {}) {
    // `cause` (what a token provider threw, for a ConfigError it caused) as Error's own option:
    // not enumerable, so JSON.stringify and spreading an error leave it out.
    super(message, data.cause === undefined ? undefined : { cause: data.cause });
    this.name = new.target.name;
    this.code = new.target.code;
    this.operation = data.operation ?? null;
  }
}
/** The client was configured wrongly. */
export class ConfigError extends WebexError { static code = 'config'; }
/** The request broke the API's rules; nothing was sent. `errors` lists every broken rule. */
export class ValidationError extends WebexError {
  static code = 'validation';
  constructor(message, data = {}) {
    super(message, data);
    this.errors = data.errors ?? [];
  }
}
/** The API answered with an error status. */
export class APIError extends WebexError {
  static code = 'api';
  constructor(message, data = {}) {
    super(message, data);
    this.status = data.status;
    this.apiMessage = data.apiMessage ?? '';
    this.errors = data.errors ?? [];
    this.trackingId = data.trackingId ?? null;
    this.retryAfter = data.retryAfter ?? null;
    this.bodyExcerpt = data.bodyExcerpt ?? '';
  }
}
export class AuthenticationError extends APIError { static code = 'authentication'; }
export class PermissionDeniedError extends APIError { static code = 'permission_denied'; }
export class NotFoundError extends APIError { static code = 'not_found'; }
export class ConflictError extends APIError { static code = 'conflict'; }
export class RateLimitError extends APIError { static code = 'rate_limit'; }
export class ServerError extends APIError { static code = 'server'; }
/** No answer arrived (connection refused or broken, CORS refusal, ...). */
export class TransportError extends WebexError {
  static code = 'transport';
  constructor(message, data = {}) {
    super(message, data);
    this.kind = data.kind ?? 'other';
  }
}
export class APITimeoutError extends TransportError { static code = 'timeout'; }
/** The call's AbortSignal fired. */
export class AbortError extends TransportError { static code = 'aborted'; }
/** A success answer whose body could not be read. */
export class DecodeError extends WebexError {
  static code = 'decode';
  constructor(message, data = {}) {
    super(message, data);
    this.status = data.status;
    this.bodyExcerpt = data.bodyExcerpt ?? '';
    this.trackingId = data.trackingId ?? null;
  }
}

const CLASSES = {
  WebexError, ConfigError, ValidationError, APIError, AuthenticationError, PermissionDeniedError,
  NotFoundError, ConflictError, RateLimitError, ServerError, TransportError, APITimeoutError,
  AbortError, DecodeError,
};

/** The error the core reported, as an instance of the exported class it names. */
function convert(e) {
  if (e instanceof WebexError) return e;
  if (e instanceof Error && Object.hasOwn(CLASSES, e.name)) return new CLASSES[e.name](e.message, e);
  if (!loaded) return new ConfigError('call `await init()` (or `initSync`) before using webex-emergency');
  // A trap inside the module (never expected): the engine's error is its cause.
  return new WebexError('internal error in webex-emergency', { cause: e });
}

let ready = null;
let loaded = false;
const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** Loads the WebAssembly module (once). In browsers and bundlers it is fetched next to this file;
 * in Node it is read from disk. */
function cannotLoad(e) {
  return new ConfigError(`cannot load the WebAssembly module: ${e?.message ?? e}`, { cause: e });
}

export function init(input) {
  if (!ready) {
    const loading = (async () => {
      let source = input;
      if (source === undefined && isNode) {
        const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
        source = await fs.readFile(new URL('./webex_emergency_wasm_bg.wasm', import.meta.url));
      }
      // Loaded meanwhile by initSync(): a second instance would replace the one its clients use.
      if (!loaded) await initWasm(source === undefined ? undefined : { module_or_path: source });
      loaded = true;
    })().catch((e) => {
      if (ready === loading) ready = null; // a later init() tries again (unless initSync() loaded it)
      throw cannotLoad(e);
    });
    ready = loading;
  }
  return ready;
}

/** Loads the WebAssembly module synchronously from its bytes or a compiled module. */
export function initSync(module) {
  if (loaded) return;
  try {
    initWasmSync({ module });
  } catch (e) {
    throw cannotLoad(e);
  }
  loaded = true;
  ready = Promise.resolve();
}

/** The core's error classes (`class`, `parent`, `code`, `doc`): the classes above are these. */
export function errorClasses() {
  return call(nativeErrorClasses);
}

let ops = null;
/** The core's operations: name, summary, method, path, pathParam, query, request, result. */
export function operations() {
  ops ??= call(nativeOperations);
  return ops;
}

/** Reads an answer of an operation through the core's typed model (unknown fields are kept). */
export function normalize(operation, data) {
  try {
    return nativeNormalize(operation, data);
  } catch (e) {
    throw convert(e);
  }
}

const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

function run(native, name, id, body, options = {}) {
  if (options?.dryRun) {
    try {
      return Promise.resolve(native.dryRun(name, id, body, options));
    } catch (e) {
      return Promise.reject(convert(e));
    }
  }
  return native.call(name, id, body, options).catch((e) => { throw convert(e); });
}

function method(native, op) {
  if (op.query.length) return (params = {}, options = {}) => run(native, op.name, undefined, undefined, { ...options, ...params });
  if (op.pathParam && op.request) return (id, body, options) => run(native, op.name, id, body, options);
  if (op.pathParam) return (id, options) => run(native, op.name, id, undefined, options);
  if (op.request) return (body, options) => run(native, op.name, undefined, body, options);
  return (options) => run(native, op.name, undefined, undefined, options);
}

function bulk(native, op) {
  return (items, options = {}) => native.bulk(op.name, items, options).then(
    (results) => results.map((r) => (r.error ? { ...r, error: convert(r.error) } : r)),
    (e) => { throw convert(e); },
  );
}

async function* stream(native, name, options = {}) {
  let pages;
  try {
    pages = native.pages(name, options);
  } catch (e) {
    throw convert(e);
  }
  try {
    for (;;) {
      const step = await pages.next();
      if (step.done) return;
      yield step.value;
    }
  } catch (e) {
    throw convert(e);
  } finally {
    pages.free();
  }
}

function call(f) {
  try {
    return f();
  } catch (e) {
    throw convert(e);
  }
}

/** The audit's rules: `[{ rule, severity }]`. */
export function auditRules() {
  return call(nativeAuditRules);
}

/** An audit report as JSON text (two-space indent): the same bytes in Rust, Python and JS. */
export function reportToJson(report) {
  return call(() => nativeReportJson(report));
}

/** An audit report's findings as CSV text: severity, rule, entityKind, entityId, entityName,
 * locationId, locationName, message, fix (cells a spreadsheet would run as formulas get a `'`). */
export function reportToCsv(report) {
  return call(() => nativeReportCsv(report));
}

/** Proposed changes as a bulk ECBN CSV (kind, id, selected, locationMemberId, name, locationName,
 * rules): LOCATION_ECBN for each member whose ECBN rule fired and whose location's own ECBN is
 * RECOMMENDED, for the admin to review and apply in bulk. */
export function reportPlanCsv(report) {
  return call(() => nativeReportPlanCsv(report));
}

/** A client of the Emergency Services Settings API. Call `await init()` once before the first. */
export class Client {
  /** Options: `{ token | getToken, baseUrl, timeoutMs, maxRetries, orgId, maxRate, adaptivePacing }`. */
  constructor(options = {}) {
    let native;
    try {
      native = new NativeClient(options);
    } catch (e) {
      throw convert(e);
    }
    Object.defineProperty(this, '_native', { value: native });
    for (const op of operations()) {
      const { resource, methodName: name } = op;
      const key = camel(resource);
      this[key] ??= {};
      this[key][camel(name)] = method(native, op);
      if (op.bulk) this[key][camel(`bulk_${name}`)] = bulk(native, op);
      if (op.stream) this[key][camel(op.stream)] = (options) => stream(native, op.name, options);
    }
    this.baseUrl = options?.baseUrl ?? 'https://webexapis.com/v1';
  }

  /** The emergency-readiness audit of the organization; options `{ concurrency, locations,
   * orgId, onProgress(done, total, failed), signal }`. Resolves to the report (a plain object). */
  audit(options = {}) {
    return this._native.audit(options).catch((e) => { throw convert(e); });
  }

  /** Runs a bulk CSV sheet, `kind` `'ecbn'` or `'notification'` (the command line's format; an
   * audit's `reportPlanCsv` is one); options `{ resume, concurrency, dryRun, orgId, signal,
   * onRow(row) }`. Resolves to `{ rows (in line order), counts, kept, columns, csv }`, `csv`
   * being the results file: the input columns plus status and error. */
  bulkCsv(kind, text, options = {}) {
    return this._native.bulkCsv(kind, text, options).then(
      ({ rows, counts, kept, head, columns }) => {
        rows.sort((a, b) => a.line - b.line);
        return { rows, counts, kept, columns, csv: head + rows.map((r) => r.record).join('') };
      },
      (e) => { throw convert(e); },
    );
  }

  toString() {
    return `Client(${this.baseUrl})`;
  }
}

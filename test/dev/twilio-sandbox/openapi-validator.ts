import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxExchange } from '../../../dev/sandbox/twilio';

// A small OpenAPI 3.0 response checker, enough for twilio-oai: type, nullable, $ref, enum,
// pattern, min/maxLength, properties, items and the formats Twilio uses.

interface Schema {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  format?: string;
}

interface Operation {
  operationId: string;
  responses: Record<string, { content?: { 'application/json'?: { schema: Schema } } }>;
}

interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** Twilio's own OpenAPI description (twilio-oai), cut down to the operations of the CNAM flow. */
export const spec: Spec = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'twilio-cnam-openapi.json'), 'utf8'));

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const RFC2822 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

function resolve(s: Schema): Schema {
  if (!s.$ref) return s;
  const name = s.$ref.replace('#/components/schemas/', '');
  const target = spec.components.schemas[name];
  if (!target) throw new Error(`unresolvable $ref ${s.$ref}`);
  return resolve(target);
}

function checkFormat(format: string, v: string): boolean {
  switch (format) {
    case 'date-time':
      return ISO.test(v) && !Number.isNaN(Date.parse(v));
    case 'date-time-rfc-2822':
      return RFC2822.test(v) && !Number.isNaN(Date.parse(v));
    case 'uri':
      // Twilio returns '' for unset URLs and relative `*_uri` paths in the 2010 API.
      return v === '' || v.startsWith('/') || URL.canParse(v);
    case 'phone-number':
      return /^\+\d{6,15}$/.test(v);
    default:
      return true;
  }
}

/**
 * Validates `value` against `schema`, pushing messages into `errors`. Response schemas in
 * twilio-oai declare no `required`; Twilio serializes every declared property (null when
 * unset), so every declared property is required and undeclared ones are errors.
 */
export function validateValue(schemaIn: Schema, value: unknown, at: string, errors: string[]): void {
  const s = resolve(schemaIn);
  if (value === null) {
    if (!s.nullable && (s.type || s.properties || s.enum)) errors.push(`${at}: null but not nullable`);
    return;
  }
  if (value === undefined) {
    errors.push(`${at}: missing`);
    return;
  }
  const type = s.type ?? (s.properties ? 'object' : undefined);
  switch (type) {
    case 'string':
      if (typeof value !== 'string') return void errors.push(`${at}: expected string, got ${typeof value}`);
      if (s.pattern && !new RegExp(s.pattern).test(value))
        errors.push(`${at}: ${JSON.stringify(value)} does not match ${s.pattern}`);
      if (s.minLength !== undefined && value.length < s.minLength) errors.push(`${at}: shorter than ${s.minLength}`);
      if (s.maxLength !== undefined && value.length > s.maxLength) errors.push(`${at}: longer than ${s.maxLength}`);
      if (s.format && !checkFormat(s.format, value))
        errors.push(`${at}: ${JSON.stringify(value)} is not a ${s.format}`);
      break;
    case 'integer':
      if (!Number.isInteger(value)) errors.push(`${at}: expected integer, got ${JSON.stringify(value)}`);
      break;
    case 'number':
      if (typeof value !== 'number') errors.push(`${at}: expected number`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push(`${at}: expected boolean, got ${JSON.stringify(value)}`);
      break;
    case 'array':
      if (!Array.isArray(value)) return void errors.push(`${at}: expected array`);
      if (s.items) for (const [i, v] of value.entries()) validateValue(s.items as Schema, v, `${at}[${i}]`, errors);
      break;
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return void errors.push(`${at}: expected object`);
      if (!s.properties) break;
      const obj = value as Record<string, unknown>;
      for (const k of Object.keys(obj)) if (!(k in s.properties)) errors.push(`${at}.${k}: not in the spec`);
      for (const [k, sub] of Object.entries(s.properties)) validateValue(sub, obj[k], `${at}.${k}`, errors);
      break;
    }
    default:
      break;
  }
  if (s.enum && !s.enum.includes(value))
    errors.push(`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(s.enum)}`);
}

const templates = Object.keys(spec.paths).map((t) => ({
  template: t,
  params: (t.match(/\{/g) ?? []).length,
  regex: new RegExp(`^${t.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/** The spec operation for a method + concrete path, or undefined. */
export function findOperation(method: string, path: string): { template: string; op: Operation } | undefined {
  const m = method.toLowerCase();
  const hit = templates
    .filter((t) => t.regex.test(path) && spec.paths[t.template]?.[m])
    .sort((a, b) => a.params - b.params)[0];
  const op = hit && spec.paths[hit.template]?.[m];
  return hit && op ? { template: hit.template, op } : undefined;
}

const ERROR_BODY: Schema = {
  type: 'object',
  properties: {
    code: { type: 'integer' },
    message: { type: 'string' },
    more_info: { type: 'string', format: 'uri' },
    status: { type: 'integer' },
  },
};

/**
 * Every problem with one exchange. Fetches of a single TP EntityAssignment or TP
 * ChannelEndpointAssignment are not in the spec subset; they are checked against the
 * create operation's schema of the same resource.
 */
export function validateExchange(ex: SandboxExchange, origin: string): string[] {
  const errors: string[] = [];
  const where = `${ex.method} ${ex.path} → ${ex.status}`;
  if (ex.path.startsWith('/__sandbox')) return errors;
  if (ex.status >= 400) {
    validateValue(ERROR_BODY, ex.body, `${where} body`, errors);
    const b = ex.body as { status?: unknown; code?: unknown; more_info?: unknown } | null;
    if (b && b.status !== ex.status) errors.push(`${where}: body.status ${String(b.status)} differs from HTTP status`);
    if (b && b.more_info !== `https://www.twilio.com/docs/errors/${String(b.code)}`)
      errors.push(`${where}: more_info does not match code`);
    return errors;
  }
  let found = findOperation(ex.method, ex.path);
  let status = String(ex.status);
  if (
    !found &&
    ex.method === 'GET' &&
    /^\/v1\/TrustProducts\/[^/]+\/(EntityAssignments|ChannelEndpointAssignments)\/[^/]+$/.test(ex.path)
  ) {
    found = findOperation('POST', ex.path.replace(/\/[^/]+$/, ''));
    status = '201';
  }
  if (!found) return [`${where}: no operation in the spec`];
  const response = found.op.responses[status];
  if (!response) return [`${where}: status not declared for ${found.op.operationId}`];
  const schema = response.content?.['application/json']?.schema;
  if (!schema) {
    if (ex.body !== null) errors.push(`${where}: expected an empty body`);
    return errors;
  }
  validateValue(schema, ex.body, `${where} ${found.op.operationId}`, errors);
  errors.push(...checkLinks(ex, origin, where));
  return errors;
}

// Trust Hub URLs must be absolute on the sandbox origin; 2010 URIs relative `.json` paths.
function checkLinks(ex: SandboxExchange, origin: string, where: string): string[] {
  const errors: string[] = [];
  const trustHub = ex.path.startsWith('/v1/');
  const visit = (v: unknown, key: string, at: string): void => {
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) visit(x, key, `${at}[${i}]`);
      return;
    }
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) visit(x, key === 'links' ? 'links_url' : k, `${at}.${k}`);
      return;
    }
    if (typeof v !== 'string') return;
    if (trustHub && /(^url$|_url$)/.test(key) && !v.startsWith(`${origin}/v1/`))
      errors.push(`${where} ${at}: ${v} is not on ${origin}/v1/`);
    if (!trustHub && /(^uri$|_uri$)/.test(key) && !/^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/.+\.json(\?.*)?$/.test(v))
      errors.push(`${where} ${at}: ${v} is not a 2010 .json URI`);
  };
  visit(ex.body, '', 'body');
  return errors;
}

/** All problems across recorded exchanges, one line each. */
export function conformanceErrors(recorded: { origin: string; exchange: SandboxExchange }[]): string[] {
  return recorded.flatMap(({ origin, exchange }) => validateExchange(exchange, origin));
}

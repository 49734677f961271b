/**
 * Reading a Twilio callback whose shape nobody documents: public receivers guess `BundleSid`, `Sid`,
 * `TrustProductSid`, `CustomerProfileSid`, `ObjectSid` or `ResourceSid`, in a form or JSON. So no
 * field is required: every BU… SID in any value counts, and the field names are kept for the log.
 */

/** A form (signed with its fields) or anything else (signed through `?bodySHA256=`, read as JSON when it is). */
export interface Callback {
  kind: 'form' | 'json' | 'other';
  /** The form fields as the signature covers them: a repeated name keeps every value. */
  params: Record<string, string | string[]>;
  /** Field names (JSON: dotted paths), never values: enough to pin the real shape from the logs. */
  fieldNames: string[];
  /** Distinct Trust Product / Customer Profile SIDs found anywhere, in order of appearance. */
  trustProductSids: string[];
  /** A top-level `Status` / `status`, passed on as a hint. */
  status: string | undefined;
}

const BU_SID = /(?<![0-9A-Za-z])BU[0-9a-f]{32}(?![0-9A-Za-z])/g;
const MAX_FIELD_NAMES = 50;

export function readCallback(contentType: string | undefined, raw: string): Callback {
  if (/^application\/x-www-form-urlencoded\b/i.test(contentType ?? '')) {
    const params = formParams(raw);
    const values = Object.values(params).flat();
    return {
      kind: 'form',
      params,
      fieldNames: Object.keys(params).slice(0, MAX_FIELD_NAMES),
      trustProductSids: sidsIn(values),
      status: statusOf(params),
    };
  }
  const value = parseJson(raw);
  if (value === undefined)
    return { kind: 'other', params: {}, fieldNames: [], trustProductSids: sidsIn([raw]), status: undefined };
  const names = new Set<string>();
  const strings: string[] = [];
  walk(value, '', names, strings);
  const top =
    typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  return {
    kind: 'json',
    params: {},
    fieldNames: [...names].slice(0, MAX_FIELD_NAMES),
    trustProductSids: sidsIn(strings),
    status: statusOf(top),
  };
}

function formParams(body: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const prior = params[key];
    params[key] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  return params;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

// Depth-first over objects and arrays: names as dotted paths (array items as `[]`), string values collected.
function walk(value: unknown, path: string, names: Set<string>, strings: string[], depth = 0): void {
  if (typeof value === 'string') strings.push(value);
  if (typeof value !== 'object' || value === null || depth > 8) return;
  if (Array.isArray(value)) {
    for (const item of value) walk(item, `${path}[]`, names, strings, depth + 1);
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const name = path ? `${path}.${key}` : key;
    names.add(name);
    walk(child, name, names, strings, depth + 1);
  }
}

function sidsIn(values: string[]): string[] {
  const found = new Set<string>();
  for (const value of values) for (const match of value.matchAll(BU_SID)) found.add(match[0]);
  return [...found];
}

function statusOf(fields: Record<string, unknown>): string | undefined {
  const status = fields.Status ?? fields.status;
  return typeof status === 'string' && status.length <= 64 ? status : undefined;
}

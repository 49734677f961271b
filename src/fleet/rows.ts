/**
 * Reading a fleet file: CSV with a header row, JSON (an array of objects, or `{"rows": [...]}`) or
 * YAML (the same shapes). Every row keeps the line it came from, so problems point at it.
 */
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { FleetRow } from '../core/provider';

export type FleetFormat = 'csv' | 'json' | 'yaml';

/** A fleet row and where it was: its line in a CSV file (the header is line 1), else its index from 1. */
export interface LocatedRow {
  line: number;
  row: FleetRow;
}

export class FleetFileError extends Error {
  override readonly name = 'FleetFileError';
}

const cell = z.union([z.string(), z.number()]).transform(String);
const rowSchema = z.looseObject({ provider: cell, number: cell, displayName: cell });

/** The format of `path` from its extension; CSV when it has none it knows. */
export function formatOf(path: string): FleetFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return 'csv';
}

/** The rows of a fleet file; throws FleetFileError naming the line and the column when a row is unusable. */
export function readFleetRows(text: string, format: FleetFormat): LocatedRow[] {
  return locatedRows(format === 'csv' ? csvRows(text) : structuredRows(text, format));
}

/** Rows already parsed (an API body's `rows`), numbered from 1; same checks as a file's. */
export function fleetRowsFrom(values: unknown[]): LocatedRow[] {
  return locatedRows(values.map((value, i) => ({ line: i + 1, value })));
}

function locatedRows(raw: { line: number; value: unknown }[]): LocatedRow[] {
  return raw.map(({ line, value }) => {
    const parsed = rowSchema.safeParse(value);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => i.path.join('.') || '(row)').join(', ');
      throw new FleetFileError(
        `Row at line ${line}: ${fields} missing or not text (every row needs provider, number and displayName).`,
      );
    }
    const row = Object.fromEntries(
      Object.entries(parsed.data).map(([k, v]) => [k, v === undefined || v === null ? undefined : String(v).trim()]),
    ) as FleetRow;
    return { line, row };
  });
}

function csvRows(text: string): { line: number; value: unknown }[] {
  try {
    const records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true, info: true }) as {
      record: Record<string, string>;
      info: { lines: number };
    }[];
    return records.map(({ record, info }) => ({ line: info.lines, value: record }));
  } catch (err) {
    throw new FleetFileError(`Not a CSV file with a header row: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function structuredRows(text: string, format: 'json' | 'yaml'): { line: number; value: unknown }[] {
  let doc: unknown;
  try {
    doc = format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new FleetFileError(`Not valid ${format.toUpperCase()}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const rows = Array.isArray(doc) ? doc : (doc as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows))
    throw new FleetFileError(`A ${format.toUpperCase()} fleet is an array of rows, or an object with "rows".`);
  return rows.map((value, i) => ({ line: i + 1, value }));
}

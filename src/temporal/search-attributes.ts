/** Registering the custom search attributes on a cluster (`cnam setup`, tests) and checking for them (worker start). */
import { temporal } from '@temporalio/proto';
import type { Connection } from '@temporalio/client';
import { searchAttributeDefinitions } from './search-attribute-definitions';

const TYPES = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Text: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
} as const;

/** Names missing from the namespace. */
export async function missingSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  return searchAttributeDefinitions()
    .map((d) => d.name)
    .filter((name) => !(customAttributes && name in customAttributes));
}

/** Adds whichever of ours are missing; returns what it added. Safe to run again. */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const missing = new Set(await missingSearchAttributes(connection, namespace));
  if (missing.size === 0) return [];
  const searchAttributes = Object.fromEntries(
    searchAttributeDefinitions()
      .filter((d) => missing.has(d.name))
      .map((d) => [d.name, TYPES[d.type]]),
  );
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  return [...missing];
}

/** Adds all of ours without asking first: the time-skipping test server has no listSearchAttributes. */
export async function addAllSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const searchAttributes = Object.fromEntries(searchAttributeDefinitions().map((d) => [d.name, TYPES[d.type]]));
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
}

/** `Name=Type` pairs for `temporal server start-dev --search-attribute`. */
export function devServerSearchAttributeFlags(): string[] {
  return searchAttributeDefinitions().map((d) => `${d.name}=${d.type}`);
}

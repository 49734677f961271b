/**
 * How payloads are encoded on the way to Temporal (issue 12 part 6). Placeholder until the payload
 * codec lands: the SDK's default converter, no codec.
 */
import type { DataConverter } from '@temporalio/common';

/** The data converter every client, worker and the API share; undefined: the SDK's default. */
export function dataConverterFromEnv(_env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  return undefined;
}

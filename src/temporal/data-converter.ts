/**
 * How payloads are encoded on the way to Temporal. With CNAM_CODEC_KEYS set, every payload (workflow
 * and activity inputs and results, signals, queries, updates, summaries) is encrypted before it leaves
 * the process, so the server's history holds no names or emails; `cnam codec-server` decodes them for
 * the Web UI. Search attributes are not payloads the codec sees: the server must read them to index them.
 */
import type { DataConverter } from '@temporalio/common';
import { NAMES_INDEXED_MEMO } from '../core/workflow/search-attributes';
import { AesGcmCodec, CODEC_KEYS_VARIABLE, parseCodecKeys } from './codec';

/** The AES-GCM codec for CNAM_CODEC_KEYS, undefined when it is unset; ConfigError when it is malformed. */
export function codecFromEnv(env: NodeJS.ProcessEnv = process.env): AesGcmCodec | undefined {
  const value = env[CODEC_KEYS_VARIABLE];
  if (value === undefined) return undefined;
  return new AesGcmCodec(parseCodecKeys(value));
}

/**
 * Whether names may go into search attributes: not with the codec on, since the server stores search
 * attributes in plaintext. Starters leave `CnamDisplayName` out and tell the workflow through its memo.
 */
export function nameIndexing(env: NodeJS.ProcessEnv = process.env): {
  indexed: boolean;
  memo?: Record<string, unknown>;
} {
  return env[CODEC_KEYS_VARIABLE] === undefined
    ? { indexed: true }
    : { indexed: false, memo: { [NAMES_INDEXED_MEMO]: false } };
}

/** The data converter every client, worker and the API share; undefined: the SDK's default. */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const codec = codecFromEnv(env);
  return codec && { payloadCodecs: [codec] };
}

/**
 * Payload encryption: AES-256-GCM over each whole serialized Payload (its metadata too), the key id in
 * the outer metadata, as Temporal's encryption samples do. The first key encrypts, every key decrypts,
 * so a key is rotated by putting a new one first and keeping the old ones while old histories remain.
 */
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { ConfigError } from '../config/env';

export const CODEC_KEYS_VARIABLE = 'CNAM_CODEC_KEYS';
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';

const CIPHER = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A payload that cannot be decrypted: unknown key id, altered data, or not our format. */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

export interface CodecKey {
  id: string;
  key: KeyObject;
}

/**
 * Parses `keyId:base64key[,keyId:base64key…]` (each key 32 bytes); throws ConfigError naming the
 * variable, the entry and what is wrong, never the key material.
 */
export function parseCodecKeys(value: string, variable = CODEC_KEYS_VARIABLE): CodecKey[] {
  const fail = (what: string) =>
    new ConfigError(`Invalid ${variable}: ${what}. Expected keyId:base64key[,keyId:base64key…], the first encrypts.`);
  const entries = value.split(',').map((e) => e.trim());
  if (entries.every((e) => e === '')) throw fail('it is set but empty (unset it to run without payload encryption)');
  const keys: CodecKey[] = [];
  entries.forEach((entry, index) => {
    const where = `entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) throw fail(`${where} has no "keyId:" before its key`);
    const id = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) throw fail(`${where}'s key id must be 1-64 of A-Z a-z 0-9 . _ -`);
    if (keys.some((k) => k.id === id)) throw fail(`key id "${id}" appears twice`);
    if (!BASE64.test(encoded)) throw fail(`the key of "${id}" is not base64`);
    const bytes = Buffer.from(encoded, 'base64');
    if (bytes.length !== KEY_BYTES)
      throw fail(
        `the key of "${id}" is ${bytes.length} bytes; AES-256 needs ${KEY_BYTES} (e.g. openssl rand -base64 32)`,
      );
    keys.push({ id, key: createSecretKey(bytes) });
    bytes.fill(0);
  });
  return keys;
}

/** Encrypts with the first key; decrypts with whichever key the payload names; passes others through. */
export class AesGcmCodec implements PayloadCodec {
  readonly #keys: ReadonlyMap<string, KeyObject>;
  readonly encryptingKeyId: string;

  constructor(keys: CodecKey[]) {
    if (keys.length === 0) throw new Error('AesGcmCodec needs at least one key');
    this.#keys = new Map(keys.map((k) => [k.id, k.key]));
    this.encryptingKeyId = keys[0]!.id;
  }

  /** The key ids this codec can decrypt, the encrypting one first. */
  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.#keys.get(this.encryptingKeyId)!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
          [METADATA_KEY_ID]: Buffer.from(this.encryptingKeyId),
        },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decodeOne(payload));
  }

  private decodeOne(payload: Payload): Payload {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
    // Written before the codec was turned on (or by a process without it): left as it is.
    if (!encoding || Buffer.from(encoding).toString() !== ENCRYPTED_ENCODING) return payload;
    const idBytes = payload.metadata?.[METADATA_KEY_ID];
    if (!idBytes) throw new PayloadDecryptionError(`An encrypted payload has no ${METADATA_KEY_ID} metadata`);
    const id = Buffer.from(idBytes).toString();
    const key = this.#keys.get(id);
    if (!key)
      throw new PayloadDecryptionError(
        `A payload was encrypted with key id "${id}", which ${CODEC_KEYS_VARIABLE} does not hold (it holds: ${this.keyIds.join(', ')})`,
      );
    const data = Buffer.from(payload.data ?? []);
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new PayloadDecryptionError(`An encrypted payload (key id "${id}") is too short to be ours`);
    const decipher = createDecipheriv(CIPHER, key, data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        `A payload encrypted with key id "${id}" failed authentication: it was altered, or the key under that id changed`,
      );
    }
    return temporal.api.common.v1.Payload.decode(plain);
  }
}

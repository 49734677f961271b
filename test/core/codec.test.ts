/** The AES-256-GCM payload codec and CNAM_CODEC_KEYS: round trip, rotation, refusals, and no key in any message. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { ConfigError } from '../../src/config/env';
import { AesGcmCodec, METADATA_KEY_ID, PayloadDecryptionError, parseCodecKeys } from '../../src/temporal/codec';
import { codecFromEnv, dataConverterFromEnv } from '../../src/temporal/data-converter';

const key = () => randomBytes(32).toString('base64');
const OLD = `old-2024:${key()}`;
const NEW = `new-2025:${key()}`;
const input = { displayName: 'Harbor Dental', notificationEmail: 'ops@harbor.example' };
const plain = (): Payload => defaultPayloadConverter.toPayload(input);
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString();

function codec(value: string): AesGcmCodec {
  const c = codecFromEnv({ CNAM_CODEC_KEYS: value });
  assert.ok(c);
  return c;
}

describe('payload codec', () => {
  test('round trip: the encrypted payload holds no plaintext, names its key, and decodes to the original', async () => {
    const c = codec(`${NEW},${OLD}`);
    const [encrypted] = await c.encode([plain()]);
    assert.equal(text(encrypted!.metadata!.encoding), 'binary/encrypted');
    assert.equal(text(encrypted!.metadata![METADATA_KEY_ID]), 'new-2025');
    assert.deepEqual(Object.keys(encrypted!.metadata!).sort(), ['encoding', METADATA_KEY_ID]);
    for (const secret of ['Harbor Dental', 'ops@harbor.example', 'json/plain'])
      assert.ok(!Buffer.from(encrypted!.data!).includes(secret), `${secret} in the ciphertext`);
    const [decoded] = await c.decode([encrypted!]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded!), input);
    assert.equal(text(decoded!.metadata!.encoding), 'json/plain');
    // A fresh IV each time: the same input never encrypts to the same bytes.
    const [again] = await c.encode([plain()]);
    assert.notDeepEqual(Buffer.from(again!.data!), Buffer.from(encrypted!.data!));
  });

  test('rotation: with the new key first, payloads of the old key still decode, new ones use the new key', async () => {
    const [before] = await codec(OLD).encode([plain()]);
    const rotated = codec(`${NEW},${OLD}`);
    assert.deepEqual(defaultPayloadConverter.fromPayload((await rotated.decode([before!]))[0]!), input);
    assert.equal(text((await rotated.encode([plain()]))[0]!.metadata![METADATA_KEY_ID]), 'new-2025');
  });

  test('payloads written without the codec pass through decode unchanged', async () => {
    const p = plain();
    assert.deepEqual(await codec(NEW).decode([p]), [p]);
  });

  test('an unknown key id fails naming it; an altered ciphertext fails authentication', async () => {
    const [byOld] = await codec(OLD).encode([plain()]);
    await assert.rejects(
      codec(NEW).decode([byOld!]),
      (err: Error) => err instanceof PayloadDecryptionError && /"old-2024"/.test(err.message),
    );
    const c = codec(NEW);
    const [encrypted] = await c.encode([plain()]);
    const data = Buffer.from(encrypted!.data!);
    data[20]! ^= 1;
    await assert.rejects(
      c.decode([{ ...encrypted!, data }]),
      (err: Error) => err instanceof PayloadDecryptionError && /"new-2025" failed authentication/.test(err.message),
    );
    // The right id over another key's bytes is no better.
    const [other] = await codec(`new-2025:${key()}`).encode([plain()]);
    await assert.rejects(c.decode([other!]), PayloadDecryptionError);
  });

  test('CNAM_CODEC_KEYS unset: no codec, the SDK default converter', () => {
    assert.equal(codecFromEnv({}), undefined);
    assert.equal(dataConverterFromEnv({}), undefined);
    const converter = dataConverterFromEnv({ CNAM_CODEC_KEYS: NEW });
    assert.ok(converter?.payloadCodecs?.[0] instanceof AesGcmCodec);
  });

  test('malformed values are a ConfigError naming CNAM_CODEC_KEYS and what is wrong, never the key', () => {
    const secret = randomBytes(31).toString('base64');
    const cases: [string, RegExp][] = [
      ['', /set but empty/],
      [' , ', /set but empty/],
      [secret, /entry 1 has no "keyId:"/],
      [`bad id!:${key()}`, /entry 1's key id must be/],
      [`${'k'.repeat(65)}:${key()}`, /entry 1's key id must be/],
      [`a:${secret}`, /the key of "a" is 31 bytes; AES-256 needs 32/],
      [`a:${randomBytes(33).toString('base64')}`, /the key of "a" is 33 bytes/],
      [`a:${secret.slice(0, -1)}%`, /the key of "a" is not base64/],
      [`a:${key()},b:`, /the key of "b" is not base64|the key of "b" is 0 bytes/],
      [`a:${secret}x`, /the key of "a" is not base64/],
      [`a:${key()},a:${key()}`, /key id "a" appears twice/],
    ];
    for (const [value, expected] of cases) {
      assert.throws(
        () => codecFromEnv({ CNAM_CODEC_KEYS: value }),
        (err: Error) => {
          assert.ok(err instanceof ConfigError, `${value}: ${err}`);
          assert.match(err.message, /CNAM_CODEC_KEYS/);
          assert.match(err.message, expected);
          for (const part of value.split(/[,:]/).filter((p) => p.length > 8))
            assert.ok(!err.message.includes(part), `the message echoes key material: ${err.message}`);
          return true;
        },
      );
    }
  });

  test('the codec does not show its keys when logged', () => {
    const [entry] = parseCodecKeys(NEW);
    const material = NEW.split(':')[1]!;
    const c = new AesGcmCodec([entry!]);
    for (const shown of [inspect(c, { depth: 5 }), JSON.stringify(c), inspect(entry, { depth: 5 })])
      assert.ok(!shown.includes(material) && !shown.includes(Buffer.from(material, 'base64').toString('hex')));
  });
});

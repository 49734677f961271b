import assert from 'node:assert/strict';
import twilio from 'twilio';
import {
  CNAM_POLICY_SID,
  startTwilioSandbox,
  type RunningTwilioSandbox,
  type SandboxExchange,
  type TwilioSandboxOptions,
} from '../../../dev/sandbox/twilio';

export { CNAM_POLICY_SID };
export type TwilioClient = ReturnType<typeof twilio>;

/** One request/response pair and the origin of the sandbox that answered it. */
export interface Recorded {
  origin: string;
  exchange: SandboxExchange;
}

/** Every exchange of every sandbox this test file started without a log of its own, for the OpenAPI conformance check. */
export const recorded: Recorded[] = [];

/** Points an official SDK client at the sandbox: both domains live on one origin. */
export function pointAt<T extends TwilioClient>(client: T, url: string): T {
  client.trusthub.baseUrl = url;
  client.api.baseUrl = url;
  return client;
}

export interface TestSandbox {
  sandbox: RunningTwilioSandbox;
  client: TwilioClient;
}

/**
 * Starts a sandbox on port 0 with recording on, plus an SDK client authenticated with the auth token. Exchanges go
 * to `log`; a file that checks what it recorded passes a log of its own, so only its own requests can satisfy it.
 */
export async function startTestSandbox(
  options: TwilioSandboxOptions = {},
  log: Recorded[] = recorded,
): Promise<TestSandbox> {
  let origin = '';
  const sandbox = await startTwilioSandbox({
    ...options,
    onExchange: (exchange) => {
      log.push({ origin, exchange });
      options.onExchange?.(exchange);
    },
  });
  origin = sandbox.url;
  return { sandbox, client: pointAt(twilio(sandbox.accountSid, sandbox.authToken), sandbox.url) };
}

/** Awaits a rejection and checks it is the SDK's RestException with the given status/code. */
export async function expectRestError(
  promise: Promise<unknown>,
  expected: { status: number; code: number; message?: RegExp | string },
): Promise<InstanceType<typeof twilio.RestException>> {
  const err = await promise.then(
    () => assert.fail(`expected a ${expected.status} / ${expected.code} RestException`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof twilio.RestException, `not a RestException: ${String(err)}`);
  assert.equal(err.status, expected.status);
  assert.equal(err.code, expected.code);
  assert.equal(err.moreInfo, `https://www.twilio.com/docs/errors/${expected.code}`);
  if (typeof expected.message === 'string') assert.equal(err.message, expected.message);
  else if (expected.message) assert.match(err.message, expected.message);
  return err;
}

/** Steps 3-8 of Twilio's CNAM guide for one number: returns the draft CNAM Trust Product's SID. */
export async function buildCnamProduct(
  client: TwilioClient,
  opts: { profileSid: string; phoneNumber?: string; displayName?: string; statusCallback?: string },
): Promise<{ trustProductSid: string; phoneNumberSid: string; endUserSid: string }> {
  const th = client.trusthub.v1;
  const [pn] = await client.incomingPhoneNumbers.list({ phoneNumber: opts.phoneNumber ?? '+12065550100' });
  assert.ok(pn, 'number not found');
  const onProfile = await th
    .customerProfiles(opts.profileSid)
    .customerProfilesChannelEndpointAssignment.list({ channelEndpointSid: pn.sid });
  if (onProfile.length === 0) {
    await th.customerProfiles(opts.profileSid).customerProfilesChannelEndpointAssignment.create({
      channelEndpointSid: pn.sid,
      channelEndpointType: 'phone-number',
    });
  }
  const tp = await th.trustProducts.create({
    email: 'ops@example.com',
    friendlyName: `CNAM ${pn.phoneNumber}`,
    policySid: CNAM_POLICY_SID,
    ...(opts.statusCallback && { statusCallback: opts.statusCallback }),
  });
  await th.trustProducts(tp.sid).trustProductsEntityAssignments.create({ objectSid: opts.profileSid });
  const eu = await th.endUsers.create({
    attributes: { cnam_display_name: opts.displayName ?? 'ACME PLUMBING' },
    friendlyName: `cnam ${pn.phoneNumber}`,
    type: 'cnam_information',
  });
  await th.trustProducts(tp.sid).trustProductsEntityAssignments.create({ objectSid: eu.sid });
  await th
    .trustProducts(tp.sid)
    .trustProductsChannelEndpointAssignment.create({ channelEndpointSid: pn.sid, channelEndpointType: 'phone-number' });
  return { trustProductSid: tp.sid, phoneNumberSid: pn.sid, endUserSid: eu.sid };
}

/** A controllable clock for the lazy review progression. */
export function fakeClock(start = Date.parse('2026-01-05T15:00:00Z')) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import { createTwilioActivities, type TwilioActivities } from '../../../src/providers/twilio/activities';
import { createTwilioClient, type Twilio, type TwilioClientConfig } from '../../../src/providers/twilio/client';
import { startTwilioSandbox, type RunningTwilioSandbox, type TwilioSandboxOptions } from '../../../dev/sandbox/twilio';

/** Runs one activity the way a worker would: inside an activity Context, so `log` works. */
export type Run = <K extends keyof TwilioActivities>(
  name: K,
  input: Parameters<TwilioActivities[K]>[0],
) => ReturnType<TwilioActivities[K]>;

export interface Harness {
  sandbox: RunningTwilioSandbox;
  run: Run;
  /** Every line the activities logged, to check nothing secret leaks. */
  logs: LogEntry[];
  /** Activities over another client for the same sandbox (other credentials, a timeout, ...). */
  runWith(config: Partial<TwilioClientConfig>): Run;
  /** The SDK itself, for making what the activities are expected to find. */
  client(): Twilio;
}

export function runner(acts: TwilioActivities, logs: LogEntry[]): Run {
  const run = (name: keyof TwilioActivities, input: unknown): Promise<unknown> => {
    const env = new MockActivityEnvironment(undefined, {
      logger: new DefaultLogger('TRACE', (e) => void logs.push(e)),
    });
    return env.run(acts[name] as (i: unknown) => Promise<unknown>, input);
  };
  return run as Run;
}

/** A sandbox on port 0 with the activities pointed at it through the real SDK. */
export async function startHarness(options: TwilioSandboxOptions = {}): Promise<Harness> {
  const sandbox = await startTwilioSandbox({ autoReview: false, ...options });
  const logs: LogEntry[] = [];
  const client = (config: Partial<TwilioClientConfig> = {}) =>
    createTwilioClient({
      accountSid: sandbox.accountSid,
      authToken: sandbox.authToken,
      baseUrl: sandbox.url,
      ...config,
    });
  const runWith = (config: Partial<TwilioClientConfig>) =>
    runner(createTwilioActivities({ twilio: client(config) }), logs);
  return { sandbox, logs, runWith, run: runWith({}), client: () => client() };
}

/** Awaits a rejection and checks it is an ApplicationFailure of this type and retryability. */
export async function expectFailure(
  promise: Promise<unknown>,
  expected: { type: string; nonRetryable: boolean; message?: RegExp },
): Promise<ApplicationFailure> {
  const err = await promise.then(
    (v) => assert.fail(`expected a ${expected.type} failure, got ${JSON.stringify(v)}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ApplicationFailure, `not an ApplicationFailure: ${String(err)}`);
  assert.equal(err.type, expected.type, err.message);
  assert.equal(err.nonRetryable, expected.nonRetryable, err.message);
  if (expected.message) assert.match(err.message, expected.message);
  return err;
}

/** Steps 1-8 for one number, the way the workflow will call them. */
export async function buildProduct(
  run: Run,
  opts: { businessProfileSid: string; e164: string; name: string; displayName?: string },
) {
  const { phoneNumberSid } = await run('resolveTwilioPhoneNumber', { e164: opts.e164 });
  const profileAssignment = await run('assignNumberToBusinessProfile', {
    businessProfileSid: opts.businessProfileSid,
    phoneNumberSid,
  });
  const tp = await run('findOrCreateCnamTrustProduct', {
    friendlyName: `cnam-tp ${opts.name}`,
    email: 'ops@example.com',
  });
  const profileOnProduct = await run('assignToTrustProduct', {
    trustProductSid: tp.trustProductSid,
    objectSid: opts.businessProfileSid,
  });
  const eu = await run('findOrCreateCnamEndUser', {
    friendlyName: `cnam-eu ${opts.name}`,
    displayName: opts.displayName ?? 'ACME PLUMBING',
  });
  const endUserOnProduct = await run('assignToTrustProduct', {
    trustProductSid: tp.trustProductSid,
    objectSid: eu.endUserSid,
  });
  const numberOnProduct = await run('assignNumberToTrustProduct', {
    trustProductSid: tp.trustProductSid,
    phoneNumberSid,
  });
  return { phoneNumberSid, profileAssignment, tp, profileOnProduct, eu, endUserOnProduct, numberOnProduct };
}

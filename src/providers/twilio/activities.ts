/**
 * Twilio Trust Hub activities for the CNAM flow: each makes at most one write and is safe to
 * retry, because it first looks for what an earlier attempt of this provisioning created
 * (the workflow passes friendly names derived from its id) and reuses it.
 */
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import twilio from 'twilio';
import { CNAM_POLICY_SID, TwilioNetworkError, TwilioRateLimitError, type Twilio } from './client';
import { describeEvaluationFailures, describeTrustHubError } from './texts';
import { surveyTwilio, type TwilioSurveyGroup } from './survey';
import type { GroupSurvey } from '../../fleet/messages';
import { isTransientStatus } from '../../core/transient';
import { FailureType } from '../../core/failures';
import { mapProviderErrors, providerFailure } from '../../core/provider-failures';
import { createTwilioLifecycleActivities } from './lifecycle-activities';

export interface TwilioActivityDeps {
  /** Null when the worker has no Twilio credentials: calls then fail permanently, saying so. */
  twilio: Twilio | null;
}

/** Statuses in which the Trust Product is already with Twilio: submitting again would be wrong. */
export const SUBMITTED_STATUSES: readonly string[] = ['pending-review', 'in-review', 'twilio-approved'];

export const CNAM_END_USER_TYPE = 'cnam_information';

/** Twilio's "VoiceCallerIdLookup cannot be set for this phone number". */
const CALLER_ID_LOOKUP_UNSUPPORTED = 21409;

/** The worker's client, or a permanent failure saying the worker has no Twilio credentials. */
export function requireTwilio(sdk: Twilio | null): Twilio {
  if (sdk) return sdk;
  throw ApplicationFailure.create({
    type: FailureType.ProviderNotConfigured,
    message:
      'This worker has no Twilio credentials: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_API_KEY_SID/TWILIO_API_KEY_SECRET).',
    nonRetryable: true,
  });
}

export function createTwilioActivities({ twilio: sdk }: TwilioActivityDeps) {
  const client = (): Twilio => requireTwilio(sdk);
  const th = () => client().trusthub.v1;

  return {
    // Rename, remove, adopt and their undo steps (lifecycle-activities.ts).
    ...createTwilioLifecycleActivities({ twilio: sdk }),
    /** The PN SID of a number on the account (read only). */
    async resolveTwilioPhoneNumber({ e164 }: { e164: string }): Promise<{ phoneNumberSid: string }> {
      // PhoneNumber also matches partial numbers: keep the exact one.
      const found = (await twilioCall(() => client().incomingPhoneNumbers.list({ phoneNumber: e164, limit: 20 }))).find(
        (n) => n.phoneNumber === e164,
      );
      if (found) return { phoneNumberSid: found.sid };
      throw ApplicationFailure.create({
        type: FailureType.ProviderRefused,
        message: `Number ${e164} is not on this Twilio account`,
        nonRetryable: true,
        details: [{ provider: 'twilio', e164 }],
      });
    },

    /** The PN SIDs of many numbers in one paged read of the account's numbers (a fleet's group); missing ones are absent. */
    async resolveTwilioPhoneNumbers({ e164s }: { e164s: string[] }): Promise<{ sids: Record<string, string> }> {
      const wanted = new Set(e164s);
      const all = await twilioCall(() => client().incomingPhoneNumbers.list({ pageSize: 1000 }));
      return {
        sids: Object.fromEntries(all.filter((n) => wanted.has(n.phoneNumber)).map((n) => [n.phoneNumber, n.sid])),
      };
    },

    /** The numbers on the Business Profile now, as PN SID → assignment SID (paged, read only). */
    async listBusinessProfileNumbers({
      businessProfileSid,
    }: {
      businessProfileSid: string;
    }): Promise<{ assignments: Record<string, string> }> {
      const found = await twilioCall(() =>
        th().customerProfiles(businessProfileSid).customerProfilesChannelEndpointAssignment.list({ pageSize: 1000 }),
      );
      return { assignments: Object.fromEntries(found.map((a) => [a.channelEndpointSid, a.sid])) };
    },

    /** The numbers on the Trust Product now, as PN SID → assignment SID (paged, read only). */
    async listTrustProductNumbers({
      trustProductSid,
    }: {
      trustProductSid: string;
    }): Promise<{ assignments: Record<string, string> }> {
      const found = await twilioCall(() =>
        th().trustProducts(trustProductSid).trustProductsChannelEndpointAssignment.list({ pageSize: 1000 }),
      );
      return { assignments: Object.fromEntries(found.map((a) => [a.channelEndpointSid, a.sid])) };
    },

    async getBusinessProfile({
      businessProfileSid,
    }: {
      businessProfileSid: string;
    }): Promise<{ status: string; friendlyName: string }> {
      const cp = await twilioCall(() => th().customerProfiles(businessProfileSid).fetch());
      return { status: cp.status, friendlyName: cp.friendlyName };
    },

    /** Puts the number on the Business Profile (only its numbers may join a CNAM Trust Product). */
    async assignNumberToBusinessProfile(input: {
      businessProfileSid: string;
      phoneNumberSid: string;
      /** The workflow listed the profile's numbers just now and this one was not there (see skipsFind). */
      knownAbsent?: boolean;
    }): Promise<{ assignmentSid: string; created: boolean }> {
      const assignments = () =>
        th().customerProfiles(input.businessProfileSid).customerProfilesChannelEndpointAssignment;
      const { item, created } = await findOrCreate(
        async () =>
          (await assignments().list({ channelEndpointSid: input.phoneNumberSid })).find(
            (a) => a.channelEndpointSid === input.phoneNumberSid,
          ),
        () => assignments().create({ channelEndpointSid: input.phoneNumberSid, channelEndpointType: 'phone-number' }),
        { skipFirstFind: skipsFind(input.knownAbsent) },
      );
      log.info(created ? 'Number assigned to Business Profile' : 'Number already on Business Profile', {
        assignmentSid: item.sid,
      });
      return { assignmentSid: item.sid, created };
    },

    /** The CNAM Trust Product named `friendlyName`, created in draft if this provisioning has none yet. */
    async findOrCreateCnamTrustProduct(input: {
      friendlyName: string;
      email: string;
      statusCallback?: string;
    }): Promise<{ trustProductSid: string; status: string; created: boolean }> {
      const { item, created } = await findOrCreate(
        async () => {
          const mine = (await th().trustProducts.list({ friendlyName: input.friendlyName, policySid: CNAM_POLICY_SID }))
            .filter((tp) => tp.friendlyName === input.friendlyName && tp.policySid === CNAM_POLICY_SID)
            .sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime());
          if (mine.length > 1)
            log.warn('Several CNAM Trust Products share this name; using the oldest', {
              sids: mine.map((tp) => tp.sid),
            });
          return mine[0];
        },
        () =>
          th().trustProducts.create({
            friendlyName: input.friendlyName,
            email: input.email,
            policySid: CNAM_POLICY_SID,
            ...(input.statusCallback && { statusCallback: input.statusCallback }),
          }),
      );
      log.info(created ? 'CNAM Trust Product created' : 'Reusing CNAM Trust Product', {
        trustProductSid: item.sid,
        status: item.status,
      });
      return { trustProductSid: item.sid, status: item.status, created };
    },

    /** Attaches a Business Profile (BU) or End User (IT) to the Trust Product. */
    async assignToTrustProduct(input: {
      trustProductSid: string;
      objectSid: string;
    }): Promise<{ assignmentSid: string; created: boolean }> {
      const assignments = () => th().trustProducts(input.trustProductSid).trustProductsEntityAssignments;
      const { item, created } = await findOrCreate(
        async () => (await assignments().list()).find((a) => a.objectSid === input.objectSid),
        () => assignments().create({ objectSid: input.objectSid }),
      );
      log.info(created ? 'Entity assigned to Trust Product' : 'Entity already on Trust Product', {
        assignmentSid: item.sid,
        objectSid: input.objectSid,
      });
      return { assignmentSid: item.sid, created };
    },

    /**
     * The cnam_information End User named `friendlyName`, holding `displayName`. EndUsers cannot be
     * filtered, so this pages through them; an existing one with another name is updated instead.
     */
    async findOrCreateCnamEndUser(input: {
      friendlyName: string;
      displayName: string;
    }): Promise<{ endUserSid: string; created: boolean; updated: boolean }> {
      const attributes = { cnam_display_name: input.displayName };
      const existing = await twilioCall(() => findEndUser(th(), input.friendlyName));
      if (existing) {
        if (existing.attributes?.cnam_display_name === input.displayName)
          return { endUserSid: existing.sid, created: false, updated: false };
        await twilioCall(() => th().endUsers(existing.sid).update({ attributes }));
        log.info('CNAM End User display name updated', { endUserSid: existing.sid });
        return { endUserSid: existing.sid, created: false, updated: true };
      }
      const eu = await twilioCall(() =>
        th().endUsers.create({ friendlyName: input.friendlyName, type: CNAM_END_USER_TYPE, attributes }),
      );
      log.info('CNAM End User created', { endUserSid: eu.sid });
      return { endUserSid: eu.sid, created: true, updated: false };
    },

    /** Puts the number on the Trust Product: the number that will show the name. */
    async assignNumberToTrustProduct(input: {
      trustProductSid: string;
      phoneNumberSid: string;
      /** The workflow listed the product's numbers just now and this one was not there (see skipsFind). */
      knownAbsent?: boolean;
    }): Promise<{ assignmentSid: string; created: boolean }> {
      const assignments = () => th().trustProducts(input.trustProductSid).trustProductsChannelEndpointAssignment;
      const { item, created } = await findOrCreate(
        async () =>
          (await assignments().list({ channelEndpointSid: input.phoneNumberSid })).find(
            (a) => a.channelEndpointSid === input.phoneNumberSid,
          ),
        () => assignments().create({ channelEndpointSid: input.phoneNumberSid, channelEndpointType: 'phone-number' }),
        { skipFirstFind: skipsFind(input.knownAbsent) },
      );
      log.info(created ? 'Number assigned to Trust Product' : 'Number already on Trust Product', {
        assignmentSid: item.sid,
      });
      return { assignmentSid: item.sid, created };
    },

    /** Twilio's pre-check; `failures` are sentences naming each unmet requirement. */
    async evaluateTrustProduct({
      trustProductSid,
    }: {
      trustProductSid: string;
    }): Promise<{ status: 'compliant' | 'noncompliant'; failures: string[] }> {
      const ev = await twilioCall(() =>
        th().trustProducts(trustProductSid).trustProductsEvaluations.create({ policySid: CNAM_POLICY_SID }),
      );
      return { status: ev.status, failures: describeEvaluationFailures(ev.results) };
    },

    /** Submits for review, unless an earlier attempt already did: then returns the current status. */
    async submitTrustProduct(input: { trustProductSid: string; statusCallback?: string }): Promise<{ status: string }> {
      const alreadySubmitted = async () => {
        const current = await twilioCall(() => th().trustProducts(input.trustProductSid).fetch());
        return SUBMITTED_STATUSES.includes(current.status) ? current.status : null;
      };
      const before = await alreadySubmitted();
      if (before) {
        log.info('Trust Product already submitted', { trustProductSid: input.trustProductSid, status: before });
        return { status: before };
      }
      try {
        const updated = await th()
          .trustProducts(input.trustProductSid)
          .update({ status: 'pending-review', ...(input.statusCallback && { statusCallback: input.statusCallback }) });
        log.info('Trust Product submitted', { trustProductSid: updated.sid, status: updated.status });
        return { status: updated.status };
      } catch (err) {
        // An earlier attempt's submit, still in flight when we looked, may have landed first: then Twilio
        // refuses ours because the product is no longer draft, and that refusal means it is done.
        if (err instanceof twilio.RestException && err.status === 400) {
          const after = await alreadySubmitted();
          if (after) return { status: after };
        }
        throw toActivityFailure(err);
      }
    },

    /** Status plus rejection reasons as sentences (CNAM codes 11006-11009, 18609). */
    async getTrustProductStatus({
      trustProductSid,
    }: {
      trustProductSid: string;
    }): Promise<{ status: string; errors: { code: number; message: string }[] }> {
      const tp = await twilioCall(() => th().trustProducts(trustProductSid).fetch());
      const errors = ((tp.errors ?? []) as { code?: unknown }[])
        .map((e) => Number(e?.code))
        .filter((code) => Number.isInteger(code))
        .map((code) => ({ code, message: describeTrustHubError(code) }));
      return { status: tp.status, errors };
    },

    /** Every CNAM Trust Product named `friendlyName` (the name is derived from one provisioning's id), oldest first. */
    async listCnamTrustProducts({
      friendlyName,
    }: {
      friendlyName: string;
    }): Promise<{ trustProducts: { sid: string; status: string }[] }> {
      const all = await twilioCall(() => th().trustProducts.list({ friendlyName, policySid: CNAM_POLICY_SID }));
      const mine = all
        .filter((tp) => tp.friendlyName === friendlyName)
        .sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime());
      return { trustProducts: mine.map((tp) => ({ sid: tp.sid, status: tp.status })) };
    },

    /**
     * Deletes a second Trust Product of this provisioning: one whose create landed after our client had
     * given up, while a retry made the one in use. Only a draft is deleted; anything else is kept and said.
     */
    async deleteDuplicateTrustProduct({
      trustProductSid,
    }: {
      trustProductSid: string;
    }): Promise<{ deleted: boolean; reason?: string }> {
      const tp = await gone(() => twilioCall(() => th().trustProducts(trustProductSid).fetch()));
      if (!tp) return { deleted: false, reason: 'already gone' };
      if (tp.status !== 'draft') {
        log.warn('Duplicate Trust Product is not a draft; kept', { trustProductSid, status: tp.status });
        return { deleted: false, reason: `status ${tp.status}` };
      }
      await gone(() => twilioCall(() => th().trustProducts(trustProductSid).remove()));
      log.info('Duplicate Trust Product deleted', { trustProductSid });
      return { deleted: true };
    },

    /** Every cnam_information End User named `friendlyName`, oldest first. */
    async listCnamEndUsers({ friendlyName }: { friendlyName: string }): Promise<{ endUsers: { sid: string }[] }> {
      const found = await twilioCall(() => findEndUsers(th(), friendlyName));
      return { endUsers: found.map((eu) => ({ sid: eu.sid })) };
    },

    /** Deletes a second End User of this provisioning (see deleteDuplicateTrustProduct); Twilio refuses while one is in use. */
    async deleteDuplicateEndUser({
      endUserSid,
    }: {
      endUserSid: string;
    }): Promise<{ deleted: boolean; reason?: string }> {
      try {
        const removed = await gone(() => twilioCall(() => th().endUsers(endUserSid).remove()));
        if (removed === null) return { deleted: false, reason: 'already gone' };
        log.info('Duplicate End User deleted', { endUserSid });
        return { deleted: true };
      } catch (err) {
        // Twilio refuses (400) while a submitted Trust Product holds it: then it is not a stray; keep it.
        if (err instanceof ApplicationFailure && err.type === FailureType.ProviderRefused) {
          log.warn('Duplicate End User could not be deleted; kept', { endUserSid, reason: err.message });
          return { deleted: false, reason: err.message };
        }
        throw err;
      }
    },

    /**
     * Turns on Caller Name Lookup: CNAM dips on *incoming* calls to the number, billed per call; it does
     * not change the outbound name. A number that cannot have it (21409) is reported, not failed: the
     * outbound name, which this run is for, does not depend on it.
     */
    async enableCallerNameLookup({
      phoneNumberSid,
    }: {
      phoneNumberSid: string;
    }): Promise<{ voiceCallerIdLookup: boolean; refused?: string }> {
      try {
        const pn = await client().incomingPhoneNumbers(phoneNumberSid).update({ voiceCallerIdLookup: true });
        return { voiceCallerIdLookup: pn.voiceCallerIdLookup };
      } catch (err) {
        if (err instanceof twilio.RestException && err.code === CALLER_ID_LOOKUP_UNSUPPORTED)
          return { voiceCallerIdLookup: false, refused: `Twilio ${err.status} (${err.code}): ${err.message}` };
        throw toActivityFailure(err);
      }
    },

    /** For a fleet's plan (read only): the Trust Products it would reuse and the numbers already showing their name. */
    async surveyTwilioFleet({ groups }: { groups: TwilioSurveyGroup[] }): Promise<{ groups: GroupSurvey[] }> {
      return { groups: await twilioCall(() => surveyTwilio(client(), groups)) };
    },
  };
}

export type TwilioActivities = ReturnType<typeof createTwilioActivities>;

type EndUser = Awaited<ReturnType<Twilio['trusthub']['v1']['endUsers']['create']>>;
interface EndUserPage {
  instances: EndUser[];
  nextPage(): Promise<EndUserPage> | undefined;
}

/** Pages through every End User (they cannot be filtered): the cnam_information ones with this friendly name, oldest first. */
async function findEndUsers(th: Twilio['trusthub']['v1'], friendlyName: string): Promise<EndUser[]> {
  const found: EndUser[] = [];
  let page: EndUserPage | undefined = await th.endUsers.page({ pageSize: 100 });
  while (page) {
    found.push(...page.instances.filter((eu) => eu.friendlyName === friendlyName && eu.type === CNAM_END_USER_TYPE));
    page = await page.nextPage();
  }
  return found.sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime());
}

/** The oldest of this provisioning's End Users: the one every attempt settles on. */
async function findEndUser(th: Twilio['trusthub']['v1'], friendlyName: string): Promise<EndUser | undefined> {
  return (await findEndUsers(th, friendlyName))[0];
}

/** Runs `call`; a 404 (the resource is already gone) gives null. */
export async function gone<T>(call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch (err) {
    const details =
      err instanceof ApplicationFailure ? (err.details?.[0] as { status?: unknown } | undefined) : undefined;
    if (details?.status === 404) return null;
    throw err;
  }
}

/** Reuses what `find` returns; else creates. A 409 means an earlier attempt created it: find it again. */
/**
 * A number the workflow has just seen missing from a listing need not be looked for again on the
 * first attempt: nothing else creates it. A retry looks, since its own earlier attempt may have.
 */
function skipsFind(knownAbsent: boolean | undefined): boolean {
  return knownAbsent === true && Context.current().info.attempt === 1;
}

async function findOrCreate<T>(
  find: () => Promise<T | undefined>,
  create: () => Promise<T>,
  options: { skipFirstFind?: boolean } = {},
): Promise<{ item: T; created: boolean }> {
  const existing = options.skipFirstFind ? undefined : await twilioCall(find);
  if (existing) return { item: existing, created: false };
  try {
    return { item: await create(), created: true };
  } catch (err) {
    if (err instanceof twilio.RestException && err.status === 409) {
      const again = await twilioCall(find);
      if (again) return { item: again, created: false };
    }
    throw toActivityFailure(err);
  }
}

export function twilioCall<T>(call: () => Promise<T>): Promise<T> {
  return mapProviderErrors(toActivityFailure, call);
}

/** Transient statuses (providers/transient) and network failures are retried; other 4xx fail for good with Twilio's own words. */
export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof TwilioRateLimitError) {
    return providerFailure({
      retryable: true,
      message: err.message,
      details: { provider: 'twilio', status: 429, retryAfterMs: err.retryAfterMs },
      retryAfterMs: err.retryAfterMs,
    });
  }
  if (err instanceof TwilioNetworkError) {
    return providerFailure({
      retryable: true,
      message: err.message,
      details: { provider: 'twilio', networkError: err.code },
    });
  }
  if (!(err instanceof twilio.RestException)) return err;
  const { status, code, moreInfo } = err;
  const message = `Twilio ${status}${code ? ` (${code})` : ''}: ${err.message}${moreInfo ? ` ${moreInfo}` : ''}`;
  const retryable = isTransientStatus(status);
  return providerFailure({
    retryable,
    message,
    details: { provider: 'twilio', status, code: code ?? null, moreInfo: moreInfo ?? null },
  });
}

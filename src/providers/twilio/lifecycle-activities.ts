/**
 * Twilio activities for rename, remove and adopt, and for undoing a cancelled run. Same rules as
 * activities.ts: each reads first and makes at most one write, so a retry (or an attempt still in
 * flight when the next one starts) finds the work done; a 404 on a delete means already gone. The
 * undo activities answer an UndoStepResult: undone, nothing to do, or kept and why.
 */
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import { FailureType } from '../../core/failures';
import { normalizeUsLongCode } from '../../core/phone';
import type { UndoStepResult } from '../../core/workflow/undo';
import { CNAM_END_USER_TYPE, gone, requireTwilio, twilioCall, type TwilioActivityDeps } from './activities';
import { CNAM_POLICY_SID, type Twilio } from './client';

/** The CNAM Trust Product a number is on now, and what it carries. */
export interface CurrentCnam {
  trustProductSid: string;
  friendlyName: string;
  status: string;
  /** Where Twilio sends this product's review notifications; a rename's new product uses it too. */
  email: string;
  /** The Business Profile attached to it, or null when none is. */
  businessProfileSid: string | null;
  /** Its cnam_information End User, or null when none is attached. */
  endUserSid: string | null;
  /** The End User's `cnam_display_name`, or null. */
  displayName: string | null;
}

/** Statuses in which Twilio refuses to delete a Trust Product (the sandbox's choice; Twilio does not say). */
const UNDER_REVIEW: readonly string[] = ['pending-review', 'in-review'];

export function createTwilioLifecycleActivities({ twilio: sdk }: TwilioActivityDeps) {
  const client = (): Twilio => requireTwilio(sdk);
  const th = () => client().trusthub.v1;
  const numberAssignments = (trustProductSid: string) =>
    th().trustProducts(trustProductSid).trustProductsChannelEndpointAssignment;

  /** The number's assignments on the product (one, or none); null when the product is gone. */
  const assignmentsOf = async (trustProductSid: string, phoneNumberSid: string) => {
    const found = await gone(() =>
      twilioCall(() => numberAssignments(trustProductSid).list({ channelEndpointSid: phoneNumberSid })),
    );
    return found?.filter((a) => a.channelEndpointSid === phoneNumberSid) ?? null;
  };

  /** Deletes the number's assignment(s) on the product; false when there was none (or no product). */
  const unassign = async (trustProductSid: string, phoneNumberSid: string): Promise<boolean> => {
    const found = await assignmentsOf(trustProductSid, phoneNumberSid);
    if (!found?.length) return false;
    for (const a of found) await gone(() => twilioCall(() => numberAssignments(trustProductSid)(a.sid).remove()));
    return true;
  };

  /** Deletes the End User; Twilio refuses (400) while a submitted Trust Product holds it: that is said, not thrown. */
  const deleteEndUser = async (
    endUserSid: string,
  ): Promise<{ result: 'deleted' | 'gone' | 'held'; detail: string }> => {
    try {
      const removed = await gone(() => twilioCall(() => th().endUsers(endUserSid).remove()));
      return removed === null
        ? { result: 'gone', detail: `End User ${endUserSid} was already gone` }
        : { result: 'deleted', detail: `End User ${endUserSid} deleted` };
    } catch (err) {
      if (err instanceof ApplicationFailure && err.type === FailureType.ProviderRefused) {
        log.warn('End User kept', { endUserSid, reason: err.message });
        return {
          result: 'held',
          detail: `End User ${endUserSid} kept: a submitted Trust Product holds it (${err.message})`,
        };
      }
      throw err;
    }
  };

  return {
    /** The number in E.164 and its PN SID (read only); a number that is not a US local long code fails as InvalidInput. */
    async resolveLifecycleNumber({ number }: { number: string }): Promise<{ e164: string; phoneNumberSid: string }> {
      const phone = normalizeUsLongCode(number);
      if (!phone.ok)
        throw ApplicationFailure.create({
          type: FailureType.InvalidInput,
          message: `Invalid number ${JSON.stringify(number)}: ${phone.message}`,
          nonRetryable: true,
        });
      // PhoneNumber also matches partial numbers: keep the exact one.
      const found = (
        await twilioCall(() => client().incomingPhoneNumbers.list({ phoneNumber: phone.e164, limit: 20 }))
      ).find((n) => n.phoneNumber === phone.e164);
      if (found) return { e164: phone.e164, phoneNumberSid: found.sid };
      throw ApplicationFailure.create({
        type: FailureType.ProviderRefused,
        message: `Number ${phone.e164} is not on this Twilio account`,
        nonRetryable: true,
        details: [{ provider: 'twilio', e164: phone.e164 }],
      });
    },

    /**
     * The CNAM Trust Product the number is on, as Twilio's guide says to find it (read only): every CNAM
     * product's numbers filtered by the PN SID, then its entity assignments for the profile and End User.
     */
    async findCurrentCnam({ phoneNumberSid }: { phoneNumberSid: string }): Promise<{ current: CurrentCnam | null }> {
      const products = await twilioCall(() => th().trustProducts.list({ policySid: CNAM_POLICY_SID, pageSize: 1000 }));
      // One read per product: the ones named for this number's runs (`cnam-twilio-<digits> …`) are read
      // first, and Twilio puts a number on one CNAM product only, so the first that holds it ends the search.
      const mine = `${Context.current().info.workflowExecution?.workflowId ?? '-'} `;
      const candidates = products
        .filter((p) => p.policySid === CNAM_POLICY_SID)
        .sort((a, b) => Number(b.friendlyName.startsWith(mine)) - Number(a.friendlyName.startsWith(mine)));
      let tp: (typeof candidates)[number] | undefined;
      for (const candidate of candidates) {
        if ((await assignmentsOf(candidate.sid, phoneNumberSid))?.length) {
          tp = candidate;
          break;
        }
      }
      if (!tp) return { current: null };
      const entities = await twilioCall(() => th().trustProducts(tp.sid).trustProductsEntityAssignments.list());
      let businessProfileSid: string | null = null;
      let endUserSid: string | null = null;
      let displayName: string | null = null;
      for (const { objectSid } of entities) {
        // Both Business Profiles and Trust Products are BU; only a profile can be attached here.
        if (objectSid.startsWith('BU')) businessProfileSid ??= objectSid;
        if (!objectSid.startsWith('IT') || endUserSid) continue;
        const eu = await gone(() => twilioCall(() => th().endUsers(objectSid).fetch()));
        if (eu?.type !== CNAM_END_USER_TYPE) continue;
        endUserSid = eu.sid;
        const name = (eu.attributes as { cnam_display_name?: unknown } | null)?.cnam_display_name;
        displayName = typeof name === 'string' && name.trim() !== '' ? name : null;
      }
      return {
        current: {
          trustProductSid: tp.sid,
          friendlyName: tp.friendlyName,
          status: tp.status,
          email: tp.email,
          businessProfileSid,
          endUserSid,
          displayName,
        },
      };
    },

    /** Takes the number off the Trust Product ("You can remove CNAM by unassigning Phone Number from CNAM Trust Product"). */
    async unassignNumberFromTrustProduct(input: {
      trustProductSid: string;
      phoneNumberSid: string;
    }): Promise<{ removed: boolean }> {
      const removed = await unassign(input.trustProductSid, input.phoneNumberSid);
      log.info(removed ? 'Number taken off Trust Product' : 'Number was not on Trust Product', input);
      return { removed };
    },

    /** Deletes a Trust Product no number is on any more; one with numbers, or under review, is kept and said. */
    async deleteTrustProductIfUnused({
      trustProductSid,
    }: {
      trustProductSid: string;
    }): Promise<{ deleted: boolean; detail: string }> {
      const tp = await gone(() => twilioCall(() => th().trustProducts(trustProductSid).fetch()));
      // Gone counts as deleted: a retry after a delete whose response was lost finds it so.
      if (!tp) return { deleted: true, detail: `Trust Product ${trustProductSid} (already deleted)` };
      const on = await twilioCall(() => numberAssignments(trustProductSid).list({ pageSize: 1000 }));
      if (on.length > 0)
        return {
          deleted: false,
          detail: `Trust Product ${trustProductSid} ("${tp.friendlyName}") kept: ${on.length} other number(s) still on it`,
        };
      if (UNDER_REVIEW.includes(tp.status))
        return {
          deleted: false,
          detail: `Trust Product ${trustProductSid} ("${tp.friendlyName}") kept: it is ${tp.status} at Twilio and cannot be deleted until Twilio decides`,
        };
      await gone(() => twilioCall(() => th().trustProducts(trustProductSid).remove()));
      log.info('Trust Product deleted', { trustProductSid });
      return { deleted: true, detail: `Trust Product ${trustProductSid} ("${tp.friendlyName}") deleted` };
    },

    /** Deletes an End User whose Trust Product is gone; one a submitted product still holds is kept and said. */
    async deleteEndUserIfUnused({ endUserSid }: { endUserSid: string }): Promise<{ deleted: boolean; detail: string }> {
      const { result, detail } = await deleteEndUser(endUserSid);
      return { deleted: result === 'deleted', detail };
    },

    /** Undo of putting the number on a Trust Product: takes it off again. */
    async undoNumberOnTrustProduct(input: {
      trustProductSid: string;
      phoneNumberSid: string;
    }): Promise<UndoStepResult> {
      return (await unassign(input.trustProductSid, input.phoneNumberSid))
        ? { outcome: 'undone', detail: `number ${input.phoneNumberSid} taken off ${input.trustProductSid}` }
        : { outcome: 'nothing', detail: `number ${input.phoneNumberSid} was not on ${input.trustProductSid}` };
    },

    /** Undo of taking the number off a Trust Product: puts it back, if the product still exists. */
    async undoNumberOffTrustProduct(input: {
      trustProductSid: string;
      phoneNumberSid: string;
    }): Promise<UndoStepResult> {
      const { trustProductSid, phoneNumberSid } = input;
      const found = await assignmentsOf(trustProductSid, phoneNumberSid);
      if (found === null)
        return {
          outcome: 'kept',
          detail: `Trust Product ${trustProductSid} no longer exists; the number stays off it`,
        };
      if (found.length > 0) return { outcome: 'nothing', detail: `number ${phoneNumberSid} is on ${trustProductSid}` };
      try {
        await twilioCall(() =>
          numberAssignments(trustProductSid).create({
            channelEndpointSid: phoneNumberSid,
            channelEndpointType: 'phone-number',
          }),
        );
      } catch (err) {
        // 409: an earlier attempt of this step put it back.
        const status = (err as ApplicationFailure).details?.[0] as { status?: unknown } | undefined;
        if (status?.status !== 409) throw err;
      }
      return { outcome: 'undone', detail: `number ${phoneNumberSid} back on ${trustProductSid}` };
    },

    /** Undo of putting the number on the Business Profile: takes it off again. */
    async undoNumberOnBusinessProfile(input: {
      businessProfileSid: string;
      phoneNumberSid: string;
    }): Promise<UndoStepResult> {
      const assignments = () =>
        th().customerProfiles(input.businessProfileSid).customerProfilesChannelEndpointAssignment;
      const found = (
        (await gone(() => twilioCall(() => assignments().list({ channelEndpointSid: input.phoneNumberSid })))) ?? []
      ).filter((a) => a.channelEndpointSid === input.phoneNumberSid);
      if (found.length === 0)
        return { outcome: 'nothing', detail: `number ${input.phoneNumberSid} was not on ${input.businessProfileSid}` };
      for (const a of found) await gone(() => twilioCall(() => assignments()(a.sid).remove()));
      return { outcome: 'undone', detail: `number ${input.phoneNumberSid} taken off ${input.businessProfileSid}` };
    },

    /** Undo of creating a Trust Product: deletes it, unless Twilio is reviewing it (then it cannot be withdrawn). */
    async withdrawTrustProduct({ trustProductSid }: { trustProductSid: string }): Promise<UndoStepResult> {
      const tp = await gone(() => twilioCall(() => th().trustProducts(trustProductSid).fetch()));
      if (!tp) return { outcome: 'nothing', detail: `Trust Product ${trustProductSid} was already gone` };
      if (UNDER_REVIEW.includes(tp.status))
        return {
          outcome: 'kept',
          detail: `Trust Product ${trustProductSid} is in review at Twilio and cannot be withdrawn; delete it once Twilio decides`,
        };
      await gone(() => twilioCall(() => th().trustProducts(trustProductSid).remove()));
      log.info('Trust Product withdrawn', { trustProductSid, status: tp.status });
      return { outcome: 'undone', detail: `Trust Product ${trustProductSid} (${tp.status}) deleted` };
    },

    /** Undo of creating an End User: deletes it, unless a submitted Trust Product holds it. */
    async withdrawEndUser({ endUserSid }: { endUserSid: string }): Promise<UndoStepResult> {
      const { result, detail } = await deleteEndUser(endUserSid);
      return { outcome: ({ deleted: 'undone', gone: 'nothing', held: 'kept' } as const)[result], detail };
    },
  };
}

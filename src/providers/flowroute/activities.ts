/**
 * Flowroute activities: each makes at most one write and is safe to retry.
 * Built once per worker by `createFlowrouteActivities` around a shared client.
 */
import { ApplicationFailure, log } from '@temporalio/activity';
import type { CnamRecord, FlowrouteClient } from './client';
import type { CnamRecordView } from './contract';
import { FlowrouteApiError } from './errors';
import { type FlowrouteSurveyGroup, surveyFlowroute } from './survey';
import type { GroupSurvey } from '../../fleet/messages';
import { FailureType } from '../../core/failures';
import type { UndoStepResult } from '../../core/workflow/undo';
import { mapProviderErrors, providerFailure } from '../../core/provider-failures';

export interface FlowrouteActivityDeps {
  /** Null when the worker has no Flowroute credentials: calls then fail permanently, saying so. */
  flowroute: FlowrouteClient | null;
}

/** The worker's client, or a permanent failure saying the worker has no Flowroute credentials. */
export function requireFlowroute(flowroute: FlowrouteClient | null): FlowrouteClient {
  if (flowroute) return flowroute;
  throw ApplicationFailure.create({
    type: FailureType.ProviderNotConfigured,
    message: 'This worker has no Flowroute credentials: set FLOWROUTE_ACCESS_KEY and FLOWROUTE_SECRET_KEY.',
    nonRetryable: true,
  });
}

export function createFlowrouteActivities({ flowroute }: FlowrouteActivityDeps) {
  const client = (): FlowrouteClient => requireFlowroute(flowroute);

  return {
    /** Finds a record with this value on the account (any state), so a rerun reuses it. */
    async findFlowrouteCnamRecord({ value }: { value: string }): Promise<CnamRecordView | null> {
      const found = await flowrouteCall(() => client().findCnamByValue(value));
      return found ? view(found) : null;
    },

    /**
     * Creates the record. If Flowroute says it is a duplicate, an earlier attempt of this
     * activity (or of this workflow) created it before crashing: look it up and reuse it.
     */
    async createFlowrouteCnamRecord({
      value,
    }: {
      value: string;
    }): Promise<{ record: CnamRecordView; created: boolean }> {
      try {
        return { record: view(await client().createCnam(value)), created: true };
      } catch (err) {
        if (isDuplicate(err)) {
          const existing = await flowrouteCall(() => client().findCnamByValue(value));
          if (existing) {
            log.info('CNAM record already existed; reusing it', { recordId: existing.id });
            return { record: view(existing), created: false };
          }
        }
        throw toActivityFailure(err);
      }
    },

    async getFlowrouteCnamRecord({ id }: { id: string }): Promise<CnamRecordView> {
      return view(await flowrouteCall(() => client().getCnam(id)));
    },

    /** The numbers (Flowroute ids) that carry the record now: one read confirms a whole group. */
    async getFlowrouteCnamNumbers({ id }: { id: string }): Promise<{ numberIds: string[] }> {
      return { numberIds: (await flowrouteCall(() => client().getCnam(id))).numberIds };
    },

    /** Assigning the same record twice is harmless: Flowroute replaces the number's preset. */
    async assignFlowrouteCnam({ numberId, cnamId }: { numberId: string; cnamId: string }): Promise<void> {
      await flowrouteCall(() => client().assignCnam(numberId, cnamId));
    },

    /** Fails for good, before anything is created, when the number is not on this Flowroute account. */
    async requireFlowrouteNumber({
      numberId,
      e164,
    }: {
      numberId: string;
      e164: string;
    }): Promise<{ cnamPresetId: string | null }> {
      try {
        return { cnamPresetId: (await client().getNumber(numberId)).cnamPresetId };
      } catch (err) {
        if (err instanceof FlowrouteApiError && err.status === 404) {
          throw ApplicationFailure.create({
            type: FailureType.ProviderRefused,
            message: `Number ${e164} is not on this Flowroute account (${err.message}); nothing was created.`,
            nonRetryable: true,
            details: [{ provider: 'flowroute', status: 404, e164, errorId: err.errorId }],
          });
        }
        throw toActivityFailure(err);
      }
    },

    async getFlowrouteNumberCnam({ numberId }: { numberId: string }): Promise<{ cnamPresetId: string | null }> {
      const number = await flowrouteCall(() => client().getNumber(numberId));
      return { cnamPresetId: number.cnamPresetId };
    },

    /**
     * Deletes a record no number uses (by id, or by value: a create whose response was lost is found
     * that way too). Kept, saying why, while any number carries it; already gone is nothing to do.
     */
    async deleteFlowrouteRecordIfUnused(input: { id: string } | { value: string }): Promise<UndoStepResult> {
      const record = await flowrouteCall(() =>
        'id' in input ? orNull(client().getCnam(input.id)) : client().findCnamByValue(input.value),
      );
      if (!record) return { outcome: 'nothing', detail: 'no such record (already deleted)' };
      if (record.numberIds.length > 0) {
        const shown = record.numberIds.slice(0, 3).map((n) => `+${n}`);
        const more = record.numberIds.length > 3 ? ` and ${record.numberIds.length - 3} more` : '';
        return { outcome: 'kept', detail: `record ${record.id} is still on ${shown.join(', ')}${more}` };
      }
      // Deleting a record also unassigns every number that uses it: none does, as read just now.
      const deleted = await flowrouteCall(() =>
        orNull(
          client()
            .deleteCnam(record.id)
            .then(() => true),
        ),
      );
      return deleted
        ? { outcome: 'undone', detail: `record ${record.id} ("${record.value}") deleted` }
        : { outcome: 'nothing', detail: `record ${record.id} was already deleted` };
    },

    /**
     * Puts `cnamId` on the number (null: takes its CNAM off, DELETE …/relationships/cnams). With
     * `onlyIfCarrying`, nothing is changed unless the number carries that record now, so an undo never
     * overwrites a change someone made after this run.
     */
    async setFlowrouteNumberCnam(input: {
      numberId: string;
      cnamId: string | null;
      onlyIfCarrying?: string | null;
    }): Promise<UndoStepResult> {
      const { cnamPresetId } = await flowrouteCall(() => client().getNumber(input.numberId));
      const target = input.cnamId === null ? 'no CNAM' : `record ${input.cnamId}`;
      if (cnamPresetId === input.cnamId) return { outcome: 'nothing', detail: `+${input.numberId} carries ${target}` };
      if (input.onlyIfCarrying !== undefined && cnamPresetId !== input.onlyIfCarrying) {
        return {
          outcome: 'kept',
          detail: `+${input.numberId} now carries ${cnamPresetId === null ? 'no CNAM' : `record ${cnamPresetId}`}, not ${input.onlyIfCarrying}; left as it is`,
        };
      }
      const cnamId = input.cnamId;
      await flowrouteCall(async () => {
        if (cnamId === null) await client().unassignCnam(input.numberId);
        else await client().assignCnam(input.numberId, cnamId);
      });
      return { outcome: 'undone', detail: `+${input.numberId} carries ${target} again` };
    },

    /** For a fleet's plan (read only): the records it would reuse, names already rejected, numbers already assigned. */
    async surveyFlowrouteFleet({ groups }: { groups: FlowrouteSurveyGroup[] }): Promise<{ groups: GroupSurvey[] }> {
      return { groups: await flowrouteCall(() => surveyFlowroute(client(), groups)) };
    },
  };
}

export type FlowrouteActivities = ReturnType<typeof createFlowrouteActivities>;

function view(r: CnamRecord): CnamRecordView {
  return {
    id: r.id,
    value: r.value,
    isApproved: r.isApproved,
    rejectionReason: r.rejectionReason,
    createdAt: r.createdAt,
    approvedAt: r.approvedAt,
  };
}

/** The call's value, or null when Flowroute answers 404 (the resource is gone). */
async function orNull<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof FlowrouteApiError && err.status === 404) return null;
    throw err;
  }
}

function isDuplicate(err: unknown): boolean {
  return err instanceof FlowrouteApiError && err.status === 422 && /duplicate/i.test(err.detail);
}

function flowrouteCall<T>(call: () => Promise<T>): Promise<T> {
  return mapProviderErrors(toActivityFailure, call);
}

/** 4xx: permanent, with Flowroute's own words; 429: retried after Retry-After; the rest retried. */
export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (!(err instanceof FlowrouteApiError)) return err;
  return providerFailure({
    retryable: err.retryable,
    message: err.message,
    details: { provider: 'flowroute', status: err.status, title: err.title, detail: err.detail, errorId: err.errorId },
    retryAfterMs: err.retryAfterMs,
  });
}

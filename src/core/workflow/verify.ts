/**
 * The `verifying` step: after the propagation wait, CNAM dips (Twilio Lookup) until each number shows
 * the name or the bound passes. Dips are billed, so they follow a fixed schedule (core/verification)
 * and the count is reported. "Not showing yet" completes the run with a warning: the name is
 * registered, the network is just slow, and failing would invite a second registration.
 */
import { ActivityFailure, ApplicationFailure, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import {
  classifyDip,
  dipOffsets,
  ERROR_REDIP_DELAY_MS,
  ERROR_REDIPS,
  type NumberVerification,
  overallOutcome,
  PERMANENT_DIP_ERRORS,
  spanText,
  type DipRecord,
  type Verification,
} from '../verification';
import { proxyCnamActivities } from './activity-options';
import { countVerificationOutcomes } from './metrics';
import type { Progress } from './progress';
import { CnamShowing } from './search-attributes';

// Core activities only: the dip runs on the workflows' own queue whichever provider's flow calls it.
const acts = proxyCnamActivities<object>('core');

/** Numbers dipped at once in one round (a fleet's group has up to a hundred). */
const DIP_CONCURRENCY = 10;

export interface VerifyRequest {
  numbers: string[];
  displayName: string;
  /** How long to keep dipping, from the first dip; 0 dips nothing. */
  boundMs: number;
}

export async function verifyShowing(progress: Progress, request: VerifyRequest): Promise<Verification> {
  const { numbers, displayName, boundMs } = request;
  const state: Verification = {
    outcome: 'checking',
    summary: '',
    boundMs,
    dips: 0,
    numbers: numbers.map((number) => ({
      number,
      outcome: 'checking',
      summary: 'not dipped yet',
      showingSince: null,
      lastDip: null,
      dips: 0,
    })),
    nextDipAt: null,
  };
  progress.enter('verifying');
  progress.status.verification = state;
  if (boundMs <= 0) return settle(progress, state, 'skipped', 'dips turned off for this run (verifyFor 0)');

  const start = Date.now();
  for (const offset of dipOffsets(boundMs)) {
    const due = start + offset;
    if (due > Date.now()) {
      state.nextDipAt = new Date(due).toISOString();
      progress.status.nextCheckAt = state.nextDipAt;
      progress.details(`${state.summary}; next CNAM dip at ${state.nextDipAt}`);
      await sleep(due - Date.now(), { summary: `next CNAM dip of "${displayName}"` });
    }
    state.nextDipAt = null;
    const unconfigured = await dipRound(state, displayName, checking(state));
    if (unconfigured !== null) return settle(progress, state, 'skipped', unconfigured);
    for (let redip = 0; redip < ERROR_REDIPS; redip++) {
      const erred = checking(state).filter((n) => n.lastDip?.classification === 'error');
      if (erred.length === 0) break;
      await sleep(ERROR_REDIP_DELAY_MS, { summary: 'Lookup answered an error: dipping again' });
      await dipRound(state, displayName, erred);
    }
    report(progress, state);
    if (checking(state).length === 0) break;
  }
  for (const n of checking(state)) {
    n.outcome = 'not-showing';
    n.summary = `registered, not yet showing after ${spanText(boundMs)} (${describeDip(n.lastDip)})`;
  }
  report(progress, state);
  countOutcomes(progress, state);
  await progress.notify('cnam.verification', { verification: state });
  return state;
}

function checking(state: Verification): NumberVerification[] {
  return state.numbers.filter((n) => n.outcome === 'checking');
}

/** Dips `numbers`, a few at a time; returns why nothing can be dipped when Lookup is not configured. */
async function dipRound(
  state: Verification,
  displayName: string,
  numbers: NumberVerification[],
): Promise<string | null> {
  let next = 0;
  let unconfigured: string | null = null;
  const dipNext = async (): Promise<void> => {
    while (next < numbers.length && unconfigured === null) {
      const n = numbers[next++]!;
      let answer: Awaited<ReturnType<typeof acts.dipCallerName>>;
      try {
        answer = await acts.dipCallerName({ e164: n.number });
      } catch (err) {
        // Lookup refused the request (4xx): dipping again cannot help, and the name is registered all the same.
        if (!(err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable))
          throw err;
        n.outcome = 'unverifiable';
        n.summary = `registered; cannot verify: ${err.cause.message}`;
        continue;
      }
      if (!answer.configured) {
        unconfigured = answer.detail;
        return;
      }
      const dip: DipRecord = {
        callerName: answer.callerName,
        callerType: answer.callerType,
        errorCode: answer.errorCode,
        classification: classifyDip(answer, displayName),
        at: new Date().toISOString(),
      };
      state.dips++;
      n.dips++;
      n.lastDip = dip;
      judge(n, dip);
    }
  };
  await Promise.all(Array.from({ length: Math.min(DIP_CONCURRENCY, numbers.length) }, dipNext));
  return unconfigured;
}

function judge(n: NumberVerification, dip: DipRecord): void {
  if (dip.classification === 'match') {
    n.outcome = 'showing';
    n.showingSince = dip.at;
    n.summary = `registered and showing since ${dip.at}`;
    return;
  }
  const permanent = dip.errorCode !== null ? PERMANENT_DIP_ERRORS[dip.errorCode] : undefined;
  if (permanent) {
    n.outcome = 'unverifiable';
    n.summary = `registered; cannot verify: ${permanent} (Lookup error ${dip.errorCode})`;
    return;
  }
  n.summary = `registered, not showing yet (${describeDip(dip)})`;
}

/** What the network answered, in words. */
export function describeDip(dip: DipRecord | null): string {
  if (!dip) return 'no dip made';
  switch (dip.classification) {
    case 'match':
      return `the network shows "${dip.callerName}"`;
    case 'default':
      return `the network shows the carrier's default "${dip.callerName}"`;
    case 'other':
      return `the network shows someone else's name "${dip.callerName}"`;
    case 'no-data':
      return 'the network has no name for the number';
    case 'error':
      return `Lookup answered error ${dip.errorCode}`;
  }
}

function settle(progress: Progress, state: Verification, outcome: 'skipped', why: string): Verification {
  for (const n of state.numbers) {
    n.outcome = outcome;
    n.summary = `registered; not verified: ${why}`;
  }
  report(progress, state);
  countOutcomes(progress, state);
  return state;
}

/** Each number's final outcome, for the `cnam_verification_outcomes` metric. */
function countOutcomes(progress: Progress, state: Verification): void {
  countVerificationOutcomes(
    progress.status.provider,
    state.numbers.map((n) => n.outcome),
  );
}

/** Status, Web UI details and the `CnamShowing` search attribute, after each round. */
function report(progress: Progress, state: Verification): void {
  state.outcome = overallOutcome(state.numbers);
  const one = state.numbers.length === 1 ? state.numbers[0]! : null;
  const showing = state.numbers.filter((n) => n.outcome === 'showing').length;
  state.summary = one
    ? one.summary
    : `${showing} of ${state.numbers.length} numbers showing the name${state.outcome === 'skipped' ? `; ${state.numbers[0]!.summary}` : ''}`;
  progress.status.verification = state;
  progress.status.nextCheckAt = state.nextDipAt;
  const attribute =
    state.outcome === 'skipped' ? 'unverified' : state.outcome === 'unverifiable' ? 'unverified' : state.outcome;
  upsertSearchAttributes([{ key: CnamShowing, value: attribute }]);
  progress.details(`${state.summary} (${state.dips} CNAM dip${state.dips === 1 ? '' : 's'})`);
}

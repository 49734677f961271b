/**
 * The activities every provider's workflow uses: the request's rules checked again inside the run
 * (a workflow started by hand, not through the API or CLI, is checked too), and US business days.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { DipActivities } from './dip';
import { addUsBusinessDays } from './business-days';
import { FailureType } from './failures';
import type { NameCheck } from './names';
import { normalizeUsLongCode } from './phone';
import { describeProblems, type RequestProblem } from './request-problem';

export interface ProvisionRequest {
  /** The provider's id in the registry. */
  provider: string;
  number: string;
  displayName: string;
}

export interface ValidatedProvisionRequest {
  provider: string;
  /** E.164, e.g. +12065550100. */
  e164: string;
  /** The name after normalisation (straight quotes, single spaces), case as given. */
  displayName: string;
}

export type RequestCheck = { ok: true; value: ValidatedProvisionRequest } | { ok: false; problems: RequestProblem[] };

/** Each provider's name rules, by provider id. */
export type NameRulesByProvider = Record<string, (raw: string) => NameCheck>;

/** Checks the number and the name against the provider's rules; reports every problem found. */
export function checkProvisionRequest(
  nameRules: NameRulesByProvider,
  request: ProvisionRequest,
  numberField = 'number',
): RequestCheck {
  const problems: RequestProblem[] = [];
  const phone = normalizeUsLongCode(request.number);
  if (!phone.ok) problems.push({ field: numberField, rule: phone.rule, message: phone.message });
  const checkName = nameRules[request.provider];
  if (!checkName)
    return {
      ok: false,
      problems: [
        ...problems,
        { field: 'provider', rule: 'known-provider', message: `Unknown provider ${JSON.stringify(request.provider)}` },
      ],
    };
  const name = checkName(request.displayName);
  for (const v of name.violations) problems.push({ field: 'displayName', rule: v.rule, message: v.message });
  if (!phone.ok || problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { provider: request.provider, e164: phone.e164, displayName: name.normalized } };
}

export interface EffectiveByInput {
  /** ISO-8601 start of the wait. */
  from: string;
  businessDays: number;
}

export function createCoreActivities(nameRules: NameRulesByProvider) {
  return {
    /** Rejects a bad name or number before any provider call, naming the rules broken. */
    async validateProvisionRequest(request: ProvisionRequest): Promise<ValidatedProvisionRequest> {
      const check = checkProvisionRequest(nameRules, request);
      if (!check.ok) {
        throw ApplicationFailure.create({
          type: FailureType.InvalidInput,
          message: `Invalid provisioning request: ${describeProblems(check.problems)}`,
          nonRetryable: true,
          details: [check.problems],
        });
      }
      return check.value;
    },

    /** Rejects a bad number before any provider call (rename, remove and adopt of what a number shows). */
    async validateNumber({ number }: { number: string }): Promise<{ e164: string }> {
      const phone = normalizeUsLongCode(number);
      if (phone.ok) return { e164: phone.e164 };
      throw ApplicationFailure.create({
        type: FailureType.InvalidInput,
        message: `Invalid number: ${describeProblems([{ field: 'number', rule: phone.rule, message: phone.message }])}`,
        nonRetryable: true,
        details: [[{ field: 'number', rule: phone.rule, message: phone.message }]],
      });
    },

    /**
     * Many numbers under one name (a group of a fleet): one activity instead of one per number. Each
     * number is valid or refused with its problems; the name is checked once.
     */
    async validateProvisionGroup(request: {
      provider: string;
      numbers: string[];
      displayName: string;
    }): Promise<GroupValidation> {
      const checks = request.numbers.map((number) => ({
        number,
        check: checkProvisionRequest(nameRules, {
          provider: request.provider,
          number,
          displayName: request.displayName,
        }),
      }));
      const nameProblems =
        checks[0]?.check.ok === false ? checks[0].check.problems.filter((p) => p.field === 'displayName') : [];
      if (nameProblems.length > 0 || checks.length === 0) {
        throw ApplicationFailure.create({
          type: FailureType.InvalidInput,
          message: `Invalid provisioning request: ${checks.length === 0 ? 'no numbers' : describeProblems(nameProblems)}`,
          nonRetryable: true,
          details: [nameProblems],
        });
      }
      const valid: string[] = [];
      const refused: { number: string; reason: string }[] = [];
      let displayName = request.displayName;
      for (const { number, check } of checks) {
        if (check.ok) {
          valid.push(check.value.e164);
          displayName = check.value.displayName;
        } else refused.push({ number, reason: describeProblems(check.problems) });
      }
      return { displayName, valid, refused };
    },

    /**
     * Computed in an activity rather than in the workflow: the holiday calendar comes from a
     * library whose data changes between releases, and the recorded result keeps replays stable.
     */
    async computeEffectiveBy(input: EffectiveByInput): Promise<{ effectiveBy: string }> {
      return { effectiveBy: addUsBusinessDays(new Date(input.from), input.businessDays).toISOString() };
    },
  };
}

export interface GroupValidation {
  /** The name after normalisation. */
  displayName: string;
  /** The valid numbers in E.164, in the order given. */
  valid: string[];
  /** Numbers that break a rule, each with the rules it breaks. */
  refused: { number: string; reason: string }[];
}

/** Every activity on the workflows' own queue: these, and the CNAM dip (Twilio Lookup, for any provider's numbers). */
export type CoreActivities = ReturnType<typeof createCoreActivities> & DipActivities;

import type {
  CustomerProfile,
  EndUser,
  EvaluationResult,
  TrustHubErrorEntry,
  TrustProduct,
  TwilioSandboxState,
} from './store';

/** Rejection codes for CNAM, in the words of Twilio's error dictionary. */
export const REJECTION_MESSAGES: Record<number, string> = {
  11006: 'The Business Profile is not approved',
  11007: 'The CNAM display name does not match the business',
  11008: 'The CNAM display name contains prohibited content',
  11009: 'The CNAM display name does not meet the requirements',
  18609: 'The registration authority is not an EIN or DUNS',
};

/** The Business Profiles and cnam_information End Users assigned to a Trust Product. */
export function linkedEntities(
  state: TwilioSandboxState,
  tpSid: string,
): { profiles: CustomerProfile[]; cnamUsers: EndUser[] } {
  const profiles: CustomerProfile[] = [];
  const cnamUsers: EndUser[] = [];
  for (const a of state.entityAssignments.values()) {
    if (a.trustProductSid !== tpSid) continue;
    const cp = state.customerProfiles.get(a.objectSid);
    if (cp) profiles.push(cp);
    const eu = state.endUsers.get(a.objectSid);
    if (eu?.type === 'cnam_information') cnamUsers.push(eu);
  }
  return { profiles, cnamUsers };
}

/** The display name an End User carries, '' when absent or not a string. */
export function displayNameOf(eu: EndUser): string {
  const v = eu.attributes.cnam_display_name;
  return typeof v === 'string' ? v : '';
}

function pass(
  requirement: string,
  friendly: string,
  objectType: string,
  name: string,
  field: string,
  fieldName: string,
): EvaluationResult {
  return {
    requirement_name: requirement,
    requirement_friendly_name: friendly,
    friendly_name: name,
    object_type: objectType,
    passed: true,
    failure_reason: null,
    error_code: null,
    valid: [{ friendly_name: fieldName, object_field: field, failure_reason: null, error_code: null, passed: true }],
    invalid: [],
  };
}

function fail(
  base: EvaluationResult,
  reason: string,
  code: number,
  field: string,
  fieldName: string,
): EvaluationResult {
  return {
    ...base,
    passed: false,
    failure_reason: reason,
    error_code: code,
    valid: [],
    invalid: [{ friendly_name: fieldName, object_field: field, failure_reason: reason, error_code: code }],
  };
}

function profileResult(profiles: CustomerProfile[]): EvaluationResult {
  const base = pass(
    'customer_profile',
    'Business Profile',
    'customer_profile',
    profiles[0]?.friendlyName ?? 'Business Profile',
    'status',
    'Business Profile Status',
  );
  const only = profiles[0];
  if (profiles.length === 0 || !only) {
    return fail(
      base,
      'A Business Profile is missing. Please assign one approved Business Profile to the Trust Product.',
      22214,
      'customer_profile_sid',
      'Business Profile',
    );
  }
  if (profiles.length > 1) {
    return fail(
      base,
      `Exactly one Business Profile may be assigned; found ${profiles.length}.`,
      22214,
      'customer_profile_sid',
      'Business Profile',
    );
  }
  if (only.status !== 'twilio-approved') {
    return fail(
      base,
      `The Business Profile ${only.sid} is ${only.status}; it must be twilio-approved.`,
      11006,
      'status',
      'Business Profile Status',
    );
  }
  return base;
}

function cnamResult(users: EndUser[]): EvaluationResult {
  const base = pass(
    'cnam_information',
    'CNAM Information',
    'cnam_information',
    users[0]?.friendlyName ?? 'CNAM Information',
    'cnam_display_name',
    'CNAM Display Name',
  );
  const only = users[0];
  if (users.length === 0 || !only) {
    return fail(
      base,
      'A CNAM Information End-User is missing. Please add one to the Trust Product.',
      22214,
      'cnam_display_name',
      'CNAM Display Name',
    );
  }
  if (users.length > 1) {
    return fail(
      base,
      `Exactly one CNAM Information End-User may be assigned; found ${users.length}.`,
      22214,
      'cnam_display_name',
      'CNAM Display Name',
    );
  }
  if (displayNameOf(only).trim() === '') {
    return fail(
      base,
      'The CNAM Display Name is missing. Please enter a CNAM Display Name on the CNAM Information.',
      22215,
      'cnam_display_name',
      'CNAM Display Name',
    );
  }
  return base;
}

/** The CNAM policy check, undocumented for this policy (so the sandbox's choice): compliant iff one approved profile and one named cnam_information End User. */
export function evaluateCnam(
  state: TwilioSandboxState,
  tp: TrustProduct,
): { status: 'compliant' | 'noncompliant'; results: EvaluationResult[] } {
  const { profiles, cnamUsers } = linkedEntities(state, tp.sid);
  const results = [profileResult(profiles), cnamResult(cnamUsers)];
  return { status: results.every((r) => r.passed) ? 'compliant' : 'noncompliant', results };
}

const NAME_FORMAT = /^[A-Za-z][A-Za-z0-9., ]{0,14}$/;

/** Codes a display name earns at review (the sandbox's choice; Twilio publishes no rules engine): 11008 for a prohibited term, 11009 for the format. */
export function nameProblems(name: string, prohibitedTerms: string[]): number[] {
  const codes: number[] = [];
  const upper = name.toUpperCase();
  const prohibited = prohibitedTerms.some((t) =>
    new RegExp(`(^|[^A-Z0-9])${t.toUpperCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Z0-9])`).test(upper),
  );
  if (prohibited) codes.push(11008);
  if (!NAME_FORMAT.test(name)) codes.push(11009);
  return codes;
}

/** The review decision: no entries means approve. */
export function reviewDecision(
  state: TwilioSandboxState,
  tp: TrustProduct,
  prohibitedTerms: string[],
): TrustHubErrorEntry[] {
  const { profiles, cnamUsers } = linkedEntities(state, tp.sid);
  const codes: number[] = [];
  if (profiles.length !== 1 || profiles[0]?.status !== 'twilio-approved') codes.push(11006);
  const user = cnamUsers[0];
  codes.push(...(cnamUsers.length === 1 && user ? nameProblems(displayNameOf(user), prohibitedTerms) : [11009]));
  return codes.map((code) => ({ code }));
}

/** The `FailureReason` text for a callback, e.g. `11008: The CNAM display name contains prohibited content`. */
export function failureReason(errors: TrustHubErrorEntry[]): string {
  return errors.map((e) => `${e.code}: ${REJECTION_MESSAGES[e.code] ?? 'Rejected'}`).join('; ');
}

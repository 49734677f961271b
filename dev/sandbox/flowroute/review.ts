import { checkFlowrouteContent } from '../../../src/core/names';

/** What Flowroute's reviewers decide about a pending record (UNDOCUMENTED 13-14). */
export type ReviewDecision = { approved: true } | { approved: false; reason: string };

// Reasons worded the way UNDOCUMENTED 13 suggests; unknown rules fall back to the rule's own message.
const REASONS: Record<string, string> = {
  'not-phone-number': 'CNAM appears to be a phone number',
  'no-profanity': 'Inappropriate content',
  'not-misleading': 'Misleading CNAM',
};

/** Judges content only: format was already enforced at create. */
export function reviewCnamValue(value: string): ReviewDecision {
  const check = checkFlowrouteContent(value);
  const [first] = check.violations;
  if (check.ok || !first) return { approved: true };
  return { approved: false, reason: REASONS[first.rule] ?? first.message };
}

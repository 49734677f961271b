/**
 * The Twilio workflow's tuning options: defaults, bounds, CLI flags and help, in one table
 * (see core/options). Twilio says carriers pick a name up 48-72 h after approval.
 */
import { type OptionTable, VERIFY_FOR_OPTION } from '../../core/options';

/**
 * Numbers on one CNAM Trust Product (one review for the set). Twilio documents no limit; each number
 * is a few activities in one workflow's history, so 100 keeps it far below Temporal's limits. A fleet
 * can ask for smaller groups (`--max-per-group`).
 */
export const MAX_NUMBERS_PER_TRUST_PRODUCT = 100;

export const TWILIO_OPTIONS = {
  reviewTimeout: {
    kind: 'timeout',
    default: '14d',
    flag: '--review-timeout',
    help: "give up waiting for Twilio's review after this long",
  },
  reviewPollInitial: {
    kind: 'pollInterval',
    default: '10m',
    flag: '--poll-initial',
    help: 'first interval between review checks, doubling after',
  },
  reviewPollMax: {
    kind: 'pollInterval',
    default: '2h',
    flag: '--poll-max',
    help: 'longest interval between review checks',
  },
  propagationWait: {
    kind: 'wait',
    default: '72h',
    flag: '--propagation-wait',
    help: 'how long carriers take after approval',
  },
  verifyFor: VERIFY_FOR_OPTION,
} as const satisfies OptionTable;

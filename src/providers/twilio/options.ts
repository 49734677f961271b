/**
 * The Twilio workflow's tuning options: defaults, bounds, CLI flags and help, in one table
 * (see core/options). Twilio says carriers pick a name up 48-72 h after approval.
 */
import type { OptionTable } from '../../core/options';

/** Numbers on one CNAM Trust Product (one review for the set); each is a few calls in one workflow's history. */
export const MAX_NUMBERS_PER_TRUST_PRODUCT = 50;

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
} as const satisfies OptionTable;

/**
 * The Flowroute workflow's tuning options: defaults, bounds, CLI flags and help, in one table
 * (see core/options). Flowroute says approval takes up to 48 h and the association 5-7 business days.
 */
import { type OptionTable, type TuningInput, VERIFY_FOR_OPTION } from '../../core/options';

/** Numbers one workflow assigns a record to: each is an activity, and the history must stay small. */
export const MAX_NUMBERS_PER_RECORD = 500;

export const FLOWROUTE_OPTIONS = {
  approvalTimeout: {
    kind: 'timeout',
    default: '96h',
    flag: '--approval-timeout',
    help: 'give up waiting for approval after this long',
  },
  approvalPollInitial: {
    kind: 'pollInterval',
    default: '5m',
    flag: '--poll-initial',
    help: 'first interval between approval checks, doubling after',
  },
  approvalPollMax: {
    kind: 'pollInterval',
    default: '1h',
    flag: '--poll-max',
    help: 'longest interval between approval checks',
  },
  associationBusinessDays: {
    kind: 'days',
    min: 1,
    max: 30,
    default: 7,
    flag: '--business-days',
    help: 'business days to wait for the association to take effect',
  },
  associationWait: {
    kind: 'wait',
    flag: '--association-wait',
    help: 'demo/test override: wait this long instead of business days',
  },
  verifyFor: VERIFY_FOR_OPTION,
} as const satisfies OptionTable;

/** The tuning fields of any Flowroute workflow input (provision or rename). */
export type FlowrouteTuning = TuningInput<typeof FLOWROUTE_OPTIONS>;

/** The fleet workflow's input, status and result: shared by the workflow, the application layer and the CLI. */
import { defineQuery } from '@temporalio/workflow';

/** One group of a fleet: the rows that share a record or Trust Product, run as one provider workflow. */
export interface FleetGroup {
  /** The provider's id in the registry. */
  provider: string;
  /** The provider workflow's type, started as a child. */
  workflowType: string;
  /** The child's workflow id (the provider's id for its first number). */
  workflowId: string;
  /** The provider workflow's input: every number of the group, normalised. */
  input: unknown;
  /** The group's numbers (E.164), in the order of the input, each with the line of the file it came from. */
  numbers: { number: string; line: number }[];
  /** A sentence for the fleet's plan and details, e.g. 'Flowroute record "ACME"'. */
  label: string;
  /** What the provider already has that this group will use, as read for the plan, e.g. 'record 24141 "ACME" (approved)'. */
  reuses?: string | null;
}

/**
 * What a provider already has for one group, read before the fleet starts (a provider's survey
 * activity answers one per group, in order).
 */
export interface GroupSurvey {
  /** An existing record or Trust Product the group will use, in words; null when it will create one. */
  reuses: string | null;
  /** Numbers that already show the group's name at the provider: left out of the run, reported done. */
  alreadyDone: { number: string; reason: string }[];
  /** The provider has already refused this name (e.g. a rejected record): the group's rows are refused with these words. */
  refusal: string | null;
}

export interface FleetInput {
  fleetId: string;
  groups: FleetGroup[];
  /** Group workflows running at once; the rest wait their turn. */
  maxConcurrentGroups: number;
  /** Numbers settled (done or failed) by earlier runs of this fleet: reported, not run again. */
  earlier?: FleetNumber[];
  /** Group counts of earlier runs (continue-as-new carries them). */
  groupsEarlier?: { total: number; done: number; failed: number };
  /** Groups of earlier runs with a failed number, for `cnam fleet retry`. */
  failedGroups?: FleetGroup[];
  /** Groups a run starts before it continues as new (default 500; small in tests). */
  maxGroupsPerRun?: number;
}

export const NUMBER_STATES = ['pending', 'running', 'done', 'failed'] as const;
export type NumberState = (typeof NUMBER_STATES)[number];

export interface FleetNumber {
  number: string;
  line: number;
  provider: string;
  /** The group's workflow, where the number's own status is; empty when nothing ran for it (already done). */
  workflowId: string;
  state: NumberState;
  failure: string | null;
  /** Why a number is done without having run, e.g. it already showed the name when the fleet was planned. */
  note?: string;
}

export interface FleetStatus {
  fleetId: string;
  total: number;
  counts: Record<NumberState, number>;
  groups: { total: number; running: number; done: number; failed: number };
  /** The sentence the Web UI shows as the fleet's current details. */
  summary: string;
}

export type FleetResult = FleetStatus & {
  numbers: FleetNumber[];
  /** Every group with a failed number, as it was started: what `cnam fleet retry` runs again. */
  failedGroups: FleetGroup[];
};

/** Counts and the summary sentence; cheap for any fleet size. */
export const getFleetStatus = defineQuery<FleetStatus>('getFleetStatus');

/** Every number's state, from `offset`, at most `limit` (paging a large fleet's report). */
export const getFleetNumbers = defineQuery<
  { numbers: FleetNumber[]; total: number },
  [{ offset: number; limit: number; state?: NumberState }]
>('getFleetNumbers');

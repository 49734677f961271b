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
  /** The group's workflow, where the number's own status is. */
  workflowId: string;
  state: NumberState;
  failure: string | null;
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

import type { ActiveFlowrouteFault } from './faults';
import type { StoreConfig } from './options';

export type CnamStatus = 'pending' | 'approved' | 'rejected';

/** A CNAM record as the sandbox keeps it; times are epoch milliseconds from the injected clock. */
export interface SandboxCnam {
  id: number;
  value: string;
  status: CnamStatus;
  rejectionReason: string | null;
  createdAtMs: number;
  /** When automatic review decides; reset by an update of a pending record. */
  reviewDueAtMs: number;
  approvedAtMs: number | null;
}

/** A number on the account and the CNAM preset it carries. */
export interface SandboxNumber {
  id: string;
  cnamId: number | null;
  assignedAtMs: number | null;
}

/** Everything the emulated account holds, as plain data the routes read and change. */
export interface FlowrouteSandboxState {
  records: Map<number, SandboxCnam>;
  /** Keyed by the 11-digit number. */
  numbers: Map<string, SandboxNumber>;
  /** The id the next record gets; reset() leaves it alone so an id is never handed out twice. */
  nextId: number;
  /** Armed faults, kept here so the state shows what is armed. */
  faults: ActiveFlowrouteFault[];
  /** Keyed `METHOD /route/pattern`: every API request that arrived, before faults and auth. */
  requestCounts: Record<string, number>;
  /** Same keys: writes the routes applied (2xx), counted even when a fault then lost the response. */
  writeCounts: Record<string, number>;
  /** 429s the API answered, from the rate limit or an injected fault. */
  http429: number;
}

// Ids look like Flowroute's five-digit ones.
const FIRST_ID = 24141;

export function createState(): FlowrouteSandboxState {
  return {
    records: new Map(),
    numbers: new Map(),
    nextId: FIRST_ID,
    faults: [],
    requestCounts: {},
    writeCounts: {},
    http429: 0,
  };
}

/**
 * Empties records, assignments and counters in place (callers keep their reference) and puts the configured
 * numbers back; armed faults are left to the caller.
 */
export function seedState(state: FlowrouteSandboxState, config: Pick<StoreConfig, 'numbers'>): void {
  state.records.clear();
  state.numbers.clear();
  for (const id of config.numbers) state.numbers.set(id, { id, cnamId: null, assignedAtMs: null });
  for (const counts of [state.requestCounts, state.writeCounts])
    for (const key of Object.keys(counts)) delete counts[key];
  state.http429 = 0;
}

/** The record with exactly this id: `'024141'` and `'24141.0'` name none, though Number() reads them as 24141. */
export function recordOf(state: FlowrouteSandboxState, id: string | number): SandboxCnam | undefined {
  const rec = state.records.get(Number(id));
  return rec && String(rec.id) === String(id) ? rec : undefined;
}

/** Every record, ascending id. */
export function recordsInOrder(state: FlowrouteSandboxState): SandboxCnam[] {
  return [...state.records.values()].sort((a, b) => a.id - b.id);
}

/** Duplicates are compared upper-cased against every record, rejected ones included. */
export function findByValue(state: FlowrouteSandboxState, value: string, exceptId?: number): SandboxCnam | undefined {
  const wanted = value.toUpperCase();
  return [...state.records.values()].find((r) => r.id !== exceptId && r.value.toUpperCase() === wanted);
}

/** Removes the record and unassigns every number that used it. */
export function deleteRecord(state: FlowrouteSandboxState, id: number): void {
  state.records.delete(id);
  for (const n of state.numbers.values()) if (n.cnamId === id) unassign(n);
}

/** Every number on the account, in ascending order. */
export function numbersInOrder(state: FlowrouteSandboxState): SandboxNumber[] {
  return [...state.numbers.values()].sort((a, b) => a.id.localeCompare(b.id));
}

export function numbersUsing(state: FlowrouteSandboxState, cnamId: number): SandboxNumber[] {
  return numbersInOrder(state).filter((n) => n.cnamId === cnamId);
}

/** A number carries one preset, so assigning replaces the one it had. */
export function assign(number: SandboxNumber, cnamId: number, at: number): void {
  number.cnamId = cnamId;
  number.assignedAtMs = at;
}

export function unassign(number: SandboxNumber): void {
  number.cnamId = null;
  number.assignedAtMs = null;
}

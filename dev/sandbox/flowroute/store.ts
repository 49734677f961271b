import { reviewCnamValue } from './review';

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

export interface StoreConfig {
  numbers: string[];
  approvalDelayMs: number;
  autoReview: boolean;
  now: () => number;
}

// Ids look like Flowroute's five-digit ones and never repeat within a process, even across reset().
const FIRST_ID = 24141;

/** In-memory account state; reviews pending records lazily whenever they are read. */
export class FlowrouteSandboxStore {
  readonly config: StoreConfig;
  #cnams = new Map<number, SandboxCnam>();
  #numbers = new Map<string, SandboxNumber>();
  #nextId = FIRST_ID;
  #requestCounts: Record<string, number> = {};
  #writeCounts: Record<string, number> = {};

  constructor(config: StoreConfig) {
    this.config = config;
    this.reset();
  }

  now(): number {
    return this.config.now();
  }

  /** Empties records, assignments and counters; numbers go back to the configured list. */
  reset(): void {
    this.#cnams.clear();
    this.#numbers = new Map(this.config.numbers.map((id) => [id, { id, cnamId: null, assignedAtMs: null }]));
    this.#requestCounts = {};
    this.#writeCounts = {};
  }

  /** Every record, ascending id, each reviewed if due. */
  list(): SandboxCnam[] {
    return [...this.#cnams.values()].sort((a, b) => a.id - b.id).map((r) => this.#reviewIfDue(r));
  }

  get(id: string | number): SandboxCnam | undefined {
    const rec = this.#cnams.get(Number(id));
    return rec && String(rec.id) === String(id) ? this.#reviewIfDue(rec) : undefined;
  }

  /** Duplicates are compared upper-cased against every record, rejected ones included (UNDOCUMENTED 15). */
  findByValue(value: string, exceptId?: number): SandboxCnam | undefined {
    const wanted = value.toUpperCase();
    return [...this.#cnams.values()].find((r) => r.id !== exceptId && r.value.toUpperCase() === wanted);
  }

  create(value: string): SandboxCnam {
    const now = this.now();
    const rec: SandboxCnam = {
      id: this.#nextId++,
      value,
      status: 'pending',
      rejectionReason: null,
      createdAtMs: now,
      reviewDueAtMs: now + this.config.approvalDelayMs,
      approvedAtMs: null,
    };
    this.#cnams.set(rec.id, rec);
    return rec;
  }

  /** Changes a pending record's value and restarts its review. */
  update(rec: SandboxCnam, value: string): SandboxCnam {
    rec.value = value;
    rec.reviewDueAtMs = this.now() + this.config.approvalDelayMs;
    return rec;
  }

  /** Removes the record and unassigns every number that used it. */
  delete(id: number): void {
    this.#cnams.delete(id);
    for (const n of this.#numbers.values()) if (n.cnamId === id) this.unassign(n);
  }

  approve(id: string | number): SandboxCnam {
    const rec = this.#require(id);
    rec.status = 'approved';
    rec.rejectionReason = null;
    rec.approvedAtMs = this.now();
    return rec;
  }

  reject(id: string | number, reason: string): SandboxCnam {
    const rec = this.#require(id);
    rec.status = 'rejected';
    rec.rejectionReason = reason;
    rec.approvedAtMs = null;
    return rec;
  }

  number(id: string): SandboxNumber | undefined {
    return this.#numbers.get(id);
  }

  allNumbers(): SandboxNumber[] {
    return [...this.#numbers.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  numbersUsing(cnamId: number): SandboxNumber[] {
    return this.allNumbers().filter((n) => n.cnamId === cnamId);
  }

  /** A number carries one preset, so assigning replaces (UNDOCUMENTED 18). */
  assign(number: SandboxNumber, cnamId: number): void {
    number.cnamId = cnamId;
    number.assignedAtMs = this.now();
  }

  unassign(number: SandboxNumber): void {
    number.cnamId = null;
    number.assignedAtMs = null;
  }

  countRequest(key: string): void {
    this.#requestCounts[key] = (this.#requestCounts[key] ?? 0) + 1;
  }

  requestCounts(): Record<string, number> {
    return { ...this.#requestCounts };
  }

  /** A write the routes applied (2xx), counted even when the fault layer then lost the response. */
  countWrite(key: string): void {
    this.#writeCounts[key] = (this.#writeCounts[key] ?? 0) + 1;
  }

  writeCounts(): Record<string, number> {
    return { ...this.#writeCounts };
  }

  #require(id: string | number): SandboxCnam {
    const rec = this.get(id);
    if (!rec) throw new Error(`Flowroute sandbox: no CNAM record ${id}`);
    return rec;
  }

  #reviewIfDue(rec: SandboxCnam): SandboxCnam {
    if (rec.status !== 'pending' || !this.config.autoReview || this.now() < rec.reviewDueAtMs) return rec;
    const decision = reviewCnamValue(rec.value);
    // Decided at the due time, not at the read, so the result does not depend on when someone looks.
    if (decision.approved) {
      rec.status = 'approved';
      rec.approvedAtMs = rec.reviewDueAtMs;
    } else {
      rec.status = 'rejected';
      rec.rejectionReason = decision.reason;
    }
    return rec;
  }
}

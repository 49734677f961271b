import { tally } from '../shared/counters';
import type { StoreConfig } from './options';
import { createReviewEngine, type ReviewEngine } from './review';
import * as store from './store';
import type { FlowrouteSandboxState, SandboxCnam, SandboxNumber } from './store';

/**
 * The account state with methods, as the sandbox exported it before its routes moved to plain state; kept so
 * code written against it still compiles and works. It reads and changes the same plain state as the routes,
 * and every read first decides the reviews that are due, as a request would.
 */
export class FlowrouteSandboxStore {
  readonly config: StoreConfig;
  readonly #state: FlowrouteSandboxState;
  readonly #review: ReviewEngine;

  /** A store of its own, or (with `state`) a view of a running sandbox's state. */
  constructor(config: StoreConfig, state?: FlowrouteSandboxState) {
    this.config = config;
    this.#state = state ?? store.createState();
    this.#review = createReviewEngine(this.#state, config);
    if (!state) this.reset();
  }

  now(): number {
    return this.config.now();
  }

  /** Empties records, assignments and counters; numbers go back to the configured list. */
  reset(): void {
    store.seedState(this.#state, this.config);
  }

  /** Every record, ascending id, each reviewed if due. */
  list(): SandboxCnam[] {
    this.#review.advanceAll();
    return store.recordsInOrder(this.#state);
  }

  get(id: string | number): SandboxCnam | undefined {
    this.#review.advanceAll();
    return store.recordOf(this.#state, id);
  }

  findByValue(value: string, exceptId?: number): SandboxCnam | undefined {
    return store.findByValue(this.#state, value, exceptId);
  }

  create(value: string): SandboxCnam {
    return this.#review.submit(value);
  }

  /** Changes a pending record's value and restarts its review. */
  update(rec: SandboxCnam, value: string): SandboxCnam {
    return this.#review.resubmit(rec, value);
  }

  delete(id: number): void {
    store.deleteRecord(this.#state, id);
  }

  approve(id: string | number): SandboxCnam {
    return this.#review.approve(id);
  }

  reject(id: string | number, reason: string): SandboxCnam {
    return this.#review.reject(id, reason);
  }

  number(id: string): SandboxNumber | undefined {
    return this.#state.numbers.get(id);
  }

  allNumbers(): SandboxNumber[] {
    return store.numbersInOrder(this.#state);
  }

  numbersUsing(cnamId: number): SandboxNumber[] {
    return store.numbersUsing(this.#state, cnamId);
  }

  assign(number: SandboxNumber, cnamId: number): void {
    store.assign(number, cnamId, this.now());
  }

  unassign(number: SandboxNumber): void {
    store.unassign(number);
  }

  countRequest(key: string): void {
    tally(this.#state.requestCounts)(key);
  }

  requestCounts(): Record<string, number> {
    return { ...this.#state.requestCounts };
  }

  /** A write the routes applied (2xx), counted even when the fault layer then lost the response. */
  countWrite(key: string): void {
    tally(this.#state.writeCounts)(key);
  }

  writeCounts(): Record<string, number> {
    return { ...this.#state.writeCounts };
  }
}

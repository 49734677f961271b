import type { ResolvedOptions } from './options';
import type { ReviewEngine } from './review';
import type { FlowrouteSandboxState } from './store';

/** What every route module needs: options, the live state and the review engine. */
export interface SandboxContext {
  opts: ResolvedOptions;
  state: FlowrouteSandboxState;
  review: ReviewEngine;
}

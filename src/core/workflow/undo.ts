/**
 * Cancel means undo: the saga sample's list of compensations. Before each write that creates or
 * changes something, a workflow pushes the step that takes it back; when the run is cancelled (or a
 * rename or removal fails) the steps run in reverse, outside the cancelled scope. Each step is an
 * idempotent activity that reads the provider first, so it is right whether or not the write landed.
 */
import { CancellationScope, isCancellation, log, sleep } from '@temporalio/workflow';
import type { UndoOutcome } from './messages';
import type { Progress } from './progress';

/** What an undo activity answers: done, nothing to do, or kept (it cannot be undone, and why). */
export interface UndoStepResult {
  outcome: 'undone' | 'nothing' | 'kept';
  detail: string;
}

/**
 * A write still in flight when the cancel came can land after the client gave up (a slow provider):
 * the steps run once more after this long, so such a late create is undone too.
 */
export const LATE_WRITE_GRACE_MS = 2 * 60_000;

interface Step {
  step: string;
  run: () => Promise<UndoStepResult>;
}

export class UndoLog {
  private steps: Step[] = [];
  /** Set once the run passed its point of no return (e.g. the old name deleted): there is nothing left to undo. */
  committed: string | null = null;

  /** Registers the undo of a write about to be made; `step` says what it does, e.g. `delete CNAM record 24141`. */
  push(step: string, run: () => Promise<UndoStepResult>): void {
    this.steps.push({ step, run });
  }

  /** Past this point the run is not undone: `why` is reported instead (e.g. the old name is gone). */
  commit(why: string): void {
    this.steps = [];
    this.committed = why;
  }

  get pending(): number {
    return this.steps.length;
  }

  /** Runs every step in reverse order; a step the provider refuses is reported as failed and the others still run. */
  async runAll(): Promise<UndoOutcome[]> {
    const outcomes: UndoOutcome[] = [];
    for (const { step, run } of [...this.steps].reverse()) {
      try {
        outcomes.push({ step, ...(await run()) });
      } catch (err) {
        const detail = rootMessage(err);
        log.warn('Undo step failed', { step, detail });
        outcomes.push({ step, outcome: 'failed', detail });
      }
    }
    return outcomes;
  }
}

/**
 * Runs `flow`; when the run is cancelled (or, with `undoOnFailure`, fails) the undo log is run to the
 * end, whatever further cancels arrive, its outcomes are put in the status, and the error is rethrown:
 * a cancelled run still ends cancelled, a failed one failed.
 */
export async function undoingOnCancel<T>(
  progress: Progress,
  undo: UndoLog,
  flow: () => Promise<T>,
  options: { undoOnFailure?: boolean } = {},
): Promise<T> {
  try {
    return await flow();
  } catch (err) {
    const cancelled = isCancellation(err);
    if (!cancelled && !options.undoOnFailure) throw err;
    // A failure before anything was written: nothing to undo, nothing to say.
    if (!cancelled && undo.pending === 0) throw err;
    if (undo.pending === 0) {
      progress.status.undo = undo.committed
        ? [{ step: 'undo', outcome: 'kept', detail: undo.committed }]
        : [{ step: 'undo', outcome: 'nothing', detail: 'nothing was created or changed yet' }];
      throw err;
    }
    progress.enter('undoing');
    const outcomes = await CancellationScope.nonCancellable(async () => {
      const first = await undo.runAll();
      // A failure came from a finished call; a cancel may have cut one short whose write lands later.
      if (!cancelled) return first;
      await sleep(LATE_WRITE_GRACE_MS, { summary: 'let a write cut short by the cancel land, then undo again' });
      return mergePasses(first, await undo.runAll());
    });
    progress.status.undo = outcomes;
    progress.details(describeUndo(outcomes));
    throw err;
  }
}

/** The second pass's outcome, except that a step the first pass undid stays `undone`. */
function mergePasses(first: UndoOutcome[], second: UndoOutcome[]): UndoOutcome[] {
  return second.map((o, i) => (first[i]?.outcome === 'undone' && o.outcome === 'nothing' ? first[i]! : o));
}

/** One sentence for the Web UI, e.g. `Undone: delete CNAM record 24141. Kept: … (why)`. */
export function describeUndo(outcomes: UndoOutcome[]): string {
  const part = (label: string, which: UndoOutcome['outcome']) => {
    const found = outcomes.filter((o) => o.outcome === which);
    return found.length ? `${label}: ${found.map((o) => `${o.step} (${o.detail})`).join('; ')}.` : '';
  };
  return (
    [part('Undone', 'undone'), part('Kept', 'kept'), part('Failed', 'failed')].filter(Boolean).join(' ') ||
    'Nothing needed undoing.'
  );
}

function rootMessage(err: unknown): string {
  let current: unknown = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

/** Placeholder until the Flowroute rename, remove and adopt workflows land. */
import { ApplicationFailure } from '@temporalio/workflow';
import type { LifecycleResult } from '../../core/lifecycle';

function notYet(): never {
  throw ApplicationFailure.create({ type: 'NotImplemented', message: 'not implemented yet', nonRetryable: true });
}

export async function renameFlowrouteCnam(_input: unknown): Promise<LifecycleResult> {
  notYet();
}
export async function removeFlowrouteCnam(_input: { number: string }): Promise<LifecycleResult> {
  notYet();
}
export async function adoptFlowrouteCnam(_input: { number: string }): Promise<LifecycleResult> {
  notYet();
}

/** Placeholder until the Twilio rename, remove and adopt workflows land. */
import { ApplicationFailure } from '@temporalio/workflow';
import type { LifecycleResult } from '../../core/lifecycle';

function notYet(): never {
  throw ApplicationFailure.create({ type: 'NotImplemented', message: 'not implemented yet', nonRetryable: true });
}

export async function renameTwilioCnam(_input: unknown): Promise<LifecycleResult> {
  notYet();
}
export async function removeTwilioCnam(_input: { number: string }): Promise<LifecycleResult> {
  notYet();
}
export async function adoptTwilioCnam(_input: { number: string }): Promise<LifecycleResult> {
  notYet();
}

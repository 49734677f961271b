/**
 * Every activity the worker registers: the core ones and each registered provider's, built once per
 * worker around clients made from the worker's environment (secrets stay there, never in workflow
 * inputs).
 */
import { createCoreActivities } from './core/validation-activities';
import { PROVIDERS } from './providers';

/** Each provider's client by provider id; null (or absent) when the worker has no credentials for it. */
export type ActivityDeps = Partial<Record<string, unknown>>;

export async function createActivities(
  deps: ActivityDeps,
): Promise<Record<string, (input: never) => Promise<unknown>>> {
  const activities: Record<string, (input: never) => Promise<unknown>> = {
    ...createCoreActivities(Object.fromEntries(PROVIDERS.map((p) => [p.id, p.checkName]))),
  };
  for (const provider of PROVIDERS) {
    const runtime = await provider.loadRuntime();
    Object.assign(activities, runtime.createActivities((deps[provider.id] ?? null) as never));
  }
  return activities;
}

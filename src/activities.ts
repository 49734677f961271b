/**
 * Every activity the worker registers: the core ones and each registered provider's, built once per
 * worker around clients made from the worker's environment (secrets stay there, never in workflow
 * inputs).
 */
import { createCoreActivities } from './core/validation-activities';
import { createFleetActivities } from './fleet/activities';
import { PROVIDERS } from './providers';
import { createWatchActivities } from './watch/activities';
import { createNoDipActivities } from './core/dip';
import { createNotifyActivities } from './notify/activities';

/** Each provider's client by provider id; null (or absent) when the worker has no credentials for it. */
export type ActivityDeps = Partial<Record<string, unknown>>;

export type Activities = Record<string, (input: never) => Promise<unknown>>;

/** The core activities and, by provider id, each provider's own. */
export async function createActivitiesByQueue(
  deps: ActivityDeps,
): Promise<{ core: Activities; providers: Record<string, Activities> }> {
  const core: Activities = {
    ...createCoreActivities(Object.fromEntries(PROVIDERS.map((p) => [p.id, p.checkName]))),
    ...createFleetActivities(),
    ...createWatchActivities(),
    // CNAM dips: "not configured" unless a provider's runtime supplies them (below).
    ...createNoDipActivities(),
    // The webhook (CNAM_NOTIFY_URL); a worker without one answers "not configured" and sends nothing.
    ...createNotifyActivities(),
  };
  const providers: Record<string, Activities> = {};
  for (const provider of PROVIDERS) {
    const runtime = await provider.loadRuntime();
    providers[provider.id] = runtime.createActivities((deps[provider.id] ?? null) as never);
    Object.assign(core, runtime.createSharedActivities?.((deps[provider.id] ?? null) as never));
  }
  return { core, providers };
}

/** All activities in one object: what a worker on the workflows' queue registers. */
export async function createActivities(deps: ActivityDeps): Promise<Activities> {
  const { core, providers } = await createActivitiesByQueue(deps);
  return Object.assign({}, core, ...Object.values(providers));
}

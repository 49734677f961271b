/**
 * All activities, built once per worker around clients made from the worker's environment
 * (secrets stay there, never in workflow inputs). Workflows type their proxies with
 * `ReturnType<typeof createActivities>`; tests reuse the type for mocks.
 */
import { createFlowrouteActivities, type FlowrouteActivityDeps } from './providers/flowroute/activities';
import { createTwilioActivities, type TwilioActivityDeps } from './providers/twilio/activities';
import { computeEffectiveBy, validateProvisionRequest } from './core/validation-activities';

export type ActivityDeps = FlowrouteActivityDeps & TwilioActivityDeps;

export function createActivities(deps: ActivityDeps) {
  return {
    validateProvisionRequest,
    computeEffectiveBy,
    ...createFlowrouteActivities(deps),
    ...createTwilioActivities(deps),
  };
}

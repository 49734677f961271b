/**
 * The registry: every provider the product supports, and the only list of them. Adding a provider is
 * one folder under src/providers/ and one entry here (see README, "Adding a provider").
 */
import type { AnyProviderModule } from '../core/provider';
import { flowroute } from './flowroute';
import { twilio } from './twilio';

export const PROVIDERS = [flowroute, twilio] as const satisfies readonly AnyProviderModule[];

export type Provider = (typeof PROVIDERS)[number];
export type ProviderId = Provider['id'];

/** The module registered under `id`, or undefined. */
export function providerById(id: string): AnyProviderModule | undefined {
  return PROVIDERS.find((p) => p.id === id);
}

export const PROVIDER_IDS = PROVIDERS.map((p) => p.id) as [string, ...string[]];

/** Twilio sandbox: Trust Hub + IncomingPhoneNumbers for the CNAM flow and Lookup v2 caller_name, served by Hono. */
export { createTwilioSandboxApp, type TwilioSandboxApp } from './app';
export { startTwilioSandbox, type RunningTwilioSandbox } from './server';
export type { TwilioSandboxControls } from './admin';
export {
  CNAM_POLICY_SID,
  DEFAULT_ACCOUNT_SID,
  DEFAULT_AUTH_TOKEN,
  DEFAULT_BUSINESS_PROFILE_SID,
  type LookupSource,
  type SandboxExchange,
  type TrustHubStatus,
  type TwilioSandboxOptions,
} from './options';
export type { CallbackRecord, SandboxFault, TwilioSandboxState } from './store';
export type { CallerType, LookupAnswer, LookupNumberInput, LookupNumberSettings } from './lookup-settings';
export type { CallerNameInfo } from './network-cnam';
export { CALLBACK_SHAPES, type CallbackSettings, type CallbackShape } from './callback-shapes';
export { ConnectionDropped } from '../shared/connection';
export type { ActiveFault, FaultKind } from '../shared/faults';
export type { RateLimit, ResolvedRateLimit } from '../shared/rate-limit';

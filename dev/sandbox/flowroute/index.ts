/** Flowroute sandbox: the v2 CNAM and number API of the CNAM flow, served by Hono. */
export { createFlowrouteSandboxApp } from './app';
export type { FlowrouteSandboxApp, FlowrouteSandboxControls } from './app';
export type { FlowrouteSandboxSnapshot, SandboxRecordView } from './admin';
export { DEFAULT_SANDBOX_NUMBERS, type FlowrouteSandboxOptions } from './options';
export type { ActiveFlowrouteFault, Fault } from './faults';
export { ConnectionDropped } from '../shared/connection';
export type { FaultKind } from '../shared/faults';
export type { RateLimit, ResolvedRateLimit } from '../shared/rate-limit';
export { startFlowrouteSandbox } from './server';
export type { RunningFlowrouteSandbox, StartFlowrouteSandboxOptions } from './server';
export { FlowrouteSandboxStore } from './store-facade';
export type { FlowrouteSandboxState } from './store';

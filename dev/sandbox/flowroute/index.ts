export { createFlowrouteSandboxApp, DEFAULT_SANDBOX_NUMBERS } from './app';
export type {
  FlowrouteSandboxApp,
  FlowrouteSandboxControls,
  FlowrouteSandboxOptions,
  FlowrouteSandboxSnapshot,
  SandboxRecordView,
} from './app';
export type { ActiveFlowrouteFault, Fault } from './faults';
export { ConnectionDropped } from '../shared/connection';
export type { FaultKind } from '../shared/faults';
export { startFlowrouteSandbox } from './server';
export type { RunningFlowrouteSandbox, StartFlowrouteSandboxOptions } from './server';
export { FlowrouteSandboxStore } from './store';

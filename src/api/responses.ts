/** Response shapes of the API, for the OpenAPI document and typed handlers. */
import { z } from 'zod';
import { EXECUTION_STATES, PROVISION_STEPS } from './schemas';

const state = z.enum([...EXECUTION_STATES, 'unknown']);

export const ProvisionStartedSchema = z.object({
  workflowId: z.string(),
  /** Null when the number was already being provisioned: that run is reported, none started. */
  runId: z.string().nullable(),
  alreadyRunning: z.boolean(),
  links: z.object({ self: z.string() }),
}).meta({ id: 'ProvisionStarted' });

export const ProvisionStatusSchema = z.object({
  provider: z.enum(['flowroute', 'twilio']),
  number: z.string(),
  displayName: z.string(),
  step: z.enum(PROVISION_STEPS),
  approval: z.enum(['not-submitted', 'pending', 'approved', 'rejected']),
  recordId: z.string().nullable(),
  resources: z.record(z.string(), z.string()),
  nextCheckAt: z.string().nullable(),
  stepsDone: z.array(z.object({ step: z.enum(PROVISION_STEPS), at: z.string() })),
  failure: z.string().nullable(),
}).meta({ id: 'ProvisionStatus' });

export const ProvisionReportSchema = z.object({
  workflowId: z.string(),
  state,
  /** The workflow's own answer to `getStatus`; null when no worker answered in time. */
  status: ProvisionStatusSchema.nullable(),
  result: z.unknown().meta({ description: 'The typed workflow result (FlowrouteProvisionResult or TwilioProvisionResult) once completed, else null' }),
  failure: z.string().nullable(),
  startedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
}).meta({ id: 'ProvisionReport' });

export const ProvisionSummarySchema = z.object({
  workflowId: z.string(),
  provider: z.enum(['flowroute', 'twilio']).nullable(),
  number: z.string().nullable(),
  displayName: z.string().nullable(),
  step: z.string().nullable(),
  state,
  startedAt: z.string(),
  closedAt: z.string().nullable(),
}).meta({ id: 'ProvisionSummary' });

export const ProvisionListSchema = z.object({ provisions: z.array(ProvisionSummarySchema) }).meta({ id: 'ProvisionList' });
export const CancelledSchema = z.object({ workflowId: z.string(), cancelRequested: z.literal(true) });
export const SignalledSchema = z.object({ workflowId: z.string(), signalled: z.literal(true) });
export const HealthSchema = z.object({ status: z.string(), namespace: z.string().optional() });

/** Response shapes of the API, for the OpenAPI document and typed handlers. */
import { z } from 'zod';
import { EXECUTION_STATES, PROVISION_ID_PATTERN, PROVISION_STEPS, ProvisionIdSchema } from '../app/schemas';
import { APPROVAL_STATES } from '../core/workflow/messages';
import { PROVIDER_IDS } from '../providers';

/** A workflow's execution state as the API reports it. */
export const ExecutionStateSchema = z.enum([...EXECUTION_STATES, 'unknown']);
const state = ExecutionStateSchema;
const provider = z.enum(PROVIDER_IDS);
const time = z.iso.datetime();

export const ProvisionStartedSchema = z
  .object({
    workflowId: ProvisionIdSchema,
    /** Null when the number was already being provisioned: that run is reported, none started. */
    runId: z.string().nullable(),
    alreadyRunning: z.boolean(),
    links: z.object({ self: z.string().regex(new RegExp(`^/v1/provisions/${PROVISION_ID_PATTERN.source.slice(1)}`)) }),
  })
  .meta({ id: 'ProvisionStarted' });

export const ProvisionStatusSchema = z
  .object({
    provider,
    number: z.string(),
    displayName: z.string(),
    step: z.enum(PROVISION_STEPS),
    approval: z.enum(APPROVAL_STATES),
    recordId: z.string().nullable(),
    resources: z.record(z.string(), z.string()),
    nextCheckAt: time.nullable(),
    stepsDone: z.array(z.object({ step: z.enum(PROVISION_STEPS), at: time })),
    failure: z.string().nullable(),
  })
  .meta({ id: 'ProvisionStatus' });

export const ProvisionReportSchema = z
  .object({
    workflowId: ProvisionIdSchema,
    state,
    /** The workflow's own answer to `getStatus`; null when no worker answered in time. */
    status: ProvisionStatusSchema.nullable(),
    result: z
      .looseObject({ provider })
      .nullable()
      .meta({ description: "The provider workflow's result once completed (each provider's contract), else null" }),
    failure: z.string().nullable(),
    startedAt: time.nullable(),
    closedAt: time.nullable(),
  })
  .meta({ id: 'ProvisionReport' });

export const ProvisionSummarySchema = z
  .object({
    workflowId: z.string(),
    provider: provider.nullable(),
    number: z.string().nullable(),
    displayName: z.string().nullable(),
    step: z.string().nullable(),
    state,
    startedAt: time,
    closedAt: time.nullable(),
  })
  .meta({ id: 'ProvisionSummary' });

export const ProvisionListSchema = z
  .object({ provisions: z.array(ProvisionSummarySchema) })
  .meta({ id: 'ProvisionList' });
export const CancelledSchema = z
  .object({ workflowId: ProvisionIdSchema, cancelRequested: z.literal(true) })
  .meta({ id: 'Cancelled' });
export const SignalledSchema = z
  .object({ workflowId: ProvisionIdSchema, signalled: z.literal(true) })
  .meta({ id: 'Signalled' });
export const HealthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
export const ReadySchema = z.object({ status: z.literal('ready'), namespace: z.string() }).meta({ id: 'Ready' });

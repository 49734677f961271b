/** Response shapes of the API, for the OpenAPI document and typed handlers. */
import { z } from 'zod';
import { verificationSchema } from '../core/verification-schema';
import { EXECUTION_STATES, PROVISION_ID_PATTERN, PROVISION_STEPS, ProvisionIdSchema } from '../app/schemas';
import { LIFECYCLE_OPERATIONS, lifecycleResult } from '../core/lifecycle';
import { APPROVAL_STATES, OPERATIONS } from '../core/workflow/messages';
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

/** A run on a number: a provisioning, or a rename, removal or adoption (each under the number's workflow id). */
export const LifecycleStartedSchema = ProvisionStartedSchema.extend({
  /** Null when this operation was already running on the number: that run is reported, none started. */
  runId: z.string().nullable(),
  operation: z.enum(LIFECYCLE_OPERATIONS),
}).meta({ id: 'LifecycleStarted' });

export const UndoOutcomeSchema = z
  .object({
    step: z.string(),
    outcome: z.enum(['undone', 'nothing', 'kept', 'failed']),
    detail: z.string(),
  })
  .meta({ id: 'UndoOutcome' });

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
    /** What the run does to the number; absent in provisionings started before renames existed. */
    operation: z.enum(OPERATIONS).optional(),
    /** After a cancel (or a failed rename or removal): each undo step in the order run, with what it did. */
    undo: z.array(UndoOutcomeSchema).optional(),
    /** From the `verifying` step on: whether CNAM dips find the name on the network. */
    verification: verificationSchema.meta({ id: 'Verification' }).optional(),
  })
  .meta({ id: 'ProvisionStatus' });

export const ProvisionReportSchema = z
  .object({
    workflowId: ProvisionIdSchema,
    state,
    /** The workflow's own answer to `getStatus`; null when no worker answered in time. */
    status: ProvisionStatusSchema.nullable(),
    result: z
      .union([lifecycleResult.meta({ id: 'LifecycleResult' }), z.looseObject({ provider })])
      .nullable()
      .meta({
        description:
          "The result once completed, else null: a rename's, removal's or adoption's (with `operation`), or a provisioning's (each provider's contract)",
      }),
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
    /** What CNAM dips found: `showing`, `not-showing`, `checking`, `unverified`; null before the `verifying` step. */
    showing: z.string().nullable(),
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

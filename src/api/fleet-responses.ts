/** Response shapes of the fleet routes, for the OpenAPI document and typed handlers. */
import { z } from 'zod';
import { FLEET_ID_PATTERN, FleetIdSchema } from '../app/fleet-schemas';
import { ProvisionIdSchema } from '../app/schemas';
import { NUMBER_STATES } from '../fleet/messages';
import { PROVIDER_IDS } from '../providers';
import { ExecutionStateSchema } from './responses';

const provider = z.enum(PROVIDER_IDS);
const count = z.number().int().min(0);
const line = z.number().int().min(1).meta({ description: "The row's position in `rows`, from 1" });
const fleetPath = (suffix = '') =>
  z.string().regex(new RegExp(`^/v1/fleets/${FLEET_ID_PATTERN.source.slice(1, -1)}${suffix}$`));

const FleetPlanSchema = z
  .object({
    fleetId: FleetIdSchema,
    rows: count,
    numbers: count.meta({ description: 'Numbers in the groups: the rows that will run' }),
    groups: z.array(
      z
        .object({
          provider,
          label: z.string(),
          workflowId: ProvisionIdSchema.meta({ description: "The group's provisioning: one workflow, one review" }),
          numbers: z.array(z.object({ number: z.string(), line })),
          reuses: z.string().nullable().meta({
            description:
              'The existing record or Trust Product the group will use, as the provider answered; null: it creates one',
          }),
        })
        .meta({ id: 'FleetPlanGroup' }),
    ),
    alreadyDone: z.array(
      z.object({ line, number: z.string(), provider, reason: z.string() }).meta({
        id: 'FleetAlreadyDoneRow',
        description: 'A number that already shows its name at the provider: not run, reported done',
      }),
    ),
    refused: z.array(z.object({ line, number: z.string(), reason: z.string() }).meta({ id: 'FleetRefusedRow' })),
    providerState: z
      .object({ read: z.boolean(), note: z.string() })
      .meta({ description: 'Whether the providers were read for the plan (through the worker), and if not, why' }),
  })
  .meta({ id: 'FleetPlan' });

export const FleetDryRunSchema = z
  .object({ fleetId: FleetIdSchema, dryRun: z.literal(true), plan: FleetPlanSchema })
  .meta({ id: 'FleetDryRun' });

export const FleetAppliedSchema = z
  .object({
    fleetId: FleetIdSchema,
    dryRun: z.literal(false),
    alreadyRunning: z.boolean(),
    started: z.boolean(),
    alreadyDone: count.meta({
      description: 'Numbers earlier runs of this fleet settled (done or failed): left out of this run',
    }),
    plan: FleetPlanSchema,
    links: z.object({ self: fleetPath(), numbers: fleetPath('/numbers') }),
  })
  .meta({ id: 'FleetApplied' });

const FleetStatusSchema = z
  .object({
    fleetId: FleetIdSchema,
    total: count,
    counts: z.object(
      Object.fromEntries(NUMBER_STATES.map((s) => [s, count])) as Record<(typeof NUMBER_STATES)[number], typeof count>,
    ),
    groups: z.object({ total: count, running: count, done: count, failed: count }),
    summary: z.string(),
  })
  .meta({ id: 'FleetStatus' });

export const FleetReportSchema = z
  .object({
    fleetId: FleetIdSchema,
    state: ExecutionStateSchema,
    status: FleetStatusSchema.nullable().meta({
      description: 'Counts and the summary; null while no worker answers, or when the run did not complete',
    }),
    failure: z.string().nullable(),
  })
  .meta({ id: 'FleetReport' });

export const FleetNumbersPageSchema = z
  .object({
    fleetId: FleetIdSchema,
    numbers: z.array(
      z
        .object({
          number: z.string(),
          line,
          provider,
          workflowId: z.union([ProvisionIdSchema, z.literal('')]).meta({
            description: "The group's provisioning, where the number's own status is; empty when nothing ran for it",
          }),
          state: z.enum(NUMBER_STATES),
          failure: z.string().nullable(),
          note: z.string().optional().meta({ description: 'Why a number is done without having run' }),
        })
        .meta({ id: 'FleetNumber' }),
    ),
    total: count.meta({ description: 'Numbers matching the filter' }),
    nextCursor: z.string().nullable().meta({ description: 'The next page: pass as `cursor`; null on the last page' }),
  })
  .meta({ id: 'FleetNumbersPage' });

export const FleetRetriedSchema = z
  .object({
    fleetId: FleetIdSchema,
    retried: count.meta({ description: 'Failed numbers started again' }),
    links: z.object({ self: fleetPath(), numbers: fleetPath('/numbers') }),
  })
  .meta({ id: 'FleetRetried' });

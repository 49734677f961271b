/**
 * Request shapes of the HTTP API and the typed client, built from the provider registry: the
 * structure is checked here, the business rules (names, numbers, SIDs) by startProvision, so both
 * agree on every rule.
 */
import { z } from 'zod';
import { phone } from '../core/contract-fields';
import type { ProviderModule } from '../core/provider';
import type { RequestProblem } from '../core/request-problem';
import { PROVISION_STEPS } from '../core/workflow/messages';
import { PROVIDER_IDS, PROVIDERS, providerById, type Provider } from '../providers';
import { InvalidRequestError } from './errors';

/** A start request: one provider's workflow input plus `provider`. */
export type ProvisionStart = Provider extends infer P
  ? P extends ProviderModule<infer Id, infer Input>
    ? { provider: Id } & Input
    : never
  : never;

const startSchemas = PROVIDERS.map((p) =>
  (p.input as unknown as z.ZodObject).extend({ provider: z.literal(p.id) }).meta({ id: `${p.label}Start` }),
) as unknown as [z.ZodObject, ...z.ZodObject[]];

/** `POST /v1/provisions` and `CnamClient.start`: one provider's workflow input plus `provider`. */
export const ProvisionStartSchema = (
  z.discriminatedUnion('provider', startSchemas) as unknown as z.ZodType<ProvisionStart>
).meta({ id: 'ProvisionStart' });

export const EXECUTION_STATES = [
  'running',
  'completed',
  'failed',
  'cancelled',
  'terminated',
  'timed-out',
  'continued-as-new',
] as const;

export { PROVISION_STEPS };

/** Filters of `GET /v1/provisions` and `CnamClient.list`; every one optional. */
export const ProvisionFilterSchema = z.strictObject({
  provider: z.enum(PROVIDER_IDS).optional(),
  number: phone.optional(),
  step: z.enum(PROVISION_STEPS).optional(),
  state: z.enum(EXECUTION_STATES).optional(),
  pageSize: z.coerce.number().int().min(1).max(1000).optional(),
});
export type ProvisionFilter = z.infer<typeof ProvisionFilterSchema>;

/** Ids the API accepts: the ones provisionWorkflowId derives (no access to unrelated workflows). */
export const PROVISION_ID_PATTERN = new RegExp(`^cnam-(${PROVIDER_IDS.join('|')})-[0-9]{8,15}$`);
const exampleId = `cnam-${PROVIDER_IDS[0]}-12065550100`;
export const ProvisionIdSchema = z
  .string()
  .regex(PROVISION_ID_PATTERN, `must be a provisioning id such as ${exampleId}`)
  .meta({ example: exampleId });

/** Zod issues as request problems: the field's path and the zod code (or a refinement's own rule). */
export function zodProblems(error: z.ZodError): RequestProblem[] {
  return error.issues.flatMap((issue) => {
    const field = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: field ? `${field}.${key}` : key,
        rule: issue.code,
        message: `unknown field "${key}"`,
      }));
    }
    const rule = issue.code === 'custom' && typeof issue.params?.rule === 'string' ? issue.params.rule : issue.code;
    return [{ field: field || '(body)', rule, message: issue.message }];
  });
}

/** Parses with `schema` or throws InvalidRequestError naming every field and rule. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidRequestError(zodProblems(result.error));
  return result.data;
}

/** A start checked structurally, with the deployment's defaults (e.g. Twilio's status callback) where the input names none. */
export function prepareStart(
  value: unknown,
  defaults: { statusCallbackUrl?: string | undefined } = {},
): ProvisionStart {
  const start = parseOrThrow(ProvisionStartSchema, value);
  const provider = providerById(start.provider)!;
  return provider.withDefaults ? (provider.withDefaults(start, defaults) as ProvisionStart) : start;
}

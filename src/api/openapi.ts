/**
 * Building blocks of the OpenAPI document: JSON responses, and the error responses a route can give,
 * each with the one `error` code that status always carries (see toApiError), so a client and a
 * fuzzer can hold the API to them.
 */
import { z } from 'zod';
import { MAX_BODY_BYTES } from './body-limit';
import { ErrorBodySchema } from './errors';

type Headers = Record<string, { description: string; schema: { type: 'string'; pattern?: string } }>;

/** A JSON response with `schema`, and the headers it always carries. */
export const json = <S extends z.ZodType>(schema: S, description: string, headers?: Headers) => ({
  description,
  content: { 'application/json': { schema } },
  ...(headers && { headers }),
});

const ERRORS = {
  400: ['invalid-request', 'Invalid input: every broken rule is named in `problems`'],
  401: ['unauthorized', 'Missing or wrong bearer token'],
  403: ['forbidden', 'The signature does not match'],
  404: ['not-found', 'No such provisioning'],
  409: ['not-running', 'The provisioning has already ended', ['not-retryable', 'number-busy', 'already-cancelling']],
  413: ['payload-too-large', `The body is longer than ${MAX_BODY_BYTES} bytes`],
  415: ['unsupported-media-type', 'The body is not JSON'],
  503: ['unavailable', 'Temporal is not reachable; try again'],
} as const;
export type ErrorStatus = keyof typeof ERRORS;

const WWW_AUTHENTICATE: Headers = {
  'WWW-Authenticate': { description: 'The scheme to use: Bearer', schema: { type: 'string', pattern: '^Bearer' } },
};

// One named schema per status, e.g. UnauthorizedError: the ErrorBody with its one `error` code.
const schemas = Object.fromEntries(
  Object.entries(ERRORS).map(([status, [code, , more]]) => {
    const id = `${code.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase())}Error`;
    // A status some routes answer for another reason too (409: a fleet with nothing to retry) lists each code.
    const error = more ? z.enum([code, ...more]) : z.literal(code);
    return [status, ErrorBodySchema.extend({ error }).meta({ id })];
  }),
) as unknown as Record<ErrorStatus, z.ZodType>;

/** The error responses for `statuses`; `descriptions` says what a status means on this route. */
export function errorResponses<S extends ErrorStatus>(
  statuses: readonly S[],
  descriptions: Partial<Record<ErrorStatus, string>> = {},
) {
  const responses = {} as Record<S, ReturnType<typeof json>>;
  for (const status of statuses) {
    responses[status] = json(
      schemas[status],
      descriptions[status] ?? ERRORS[status][1],
      status === 401 ? WWW_AUTHENTICATE : undefined,
    );
  }
  return responses;
}

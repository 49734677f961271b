/**
 * One error class with a status, and the one handler that turns every thrown error into a JSON
 * body `{ error, message, problems? }`: bad input is always a 4xx, only our own faults are a 500.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isGrpcServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import type { RequestProblem } from '../core/request-problem';
import { AlreadyCancellingError, InvalidRequestError, NumberBusyError, ProvisionNotRunningError } from '../app/errors';
import { zodProblems } from '../app/schemas';
import type { ApiEnv } from './context';

/** The JSON body of every error response. */
export const ErrorBodySchema = z.object({
  error: z.string(),
  message: z.string(),
  problems: z
    .array(z.object({ field: z.string(), rule: z.string(), message: z.string() }).meta({ id: 'Problem' }))
    .optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** An error that is the client's to fix (or the service's state), with the HTTP status it answers. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly problems?: RequestProblem[],
  ) {
    super(message);
  }
}

const CODES: Partial<Record<number, string>> = {
  400: 'invalid-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  503: 'unavailable',
};

/** Maps any thrown error to an ApiError; unknown errors become a 500 without their details. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof InvalidRequestError)
    return new ApiError(400, 'invalid-request', 'The request breaks one or more rules', err.problems);
  if (err instanceof z.ZodError)
    return new ApiError(400, 'invalid-request', 'The request is malformed', zodProblems(err));
  if (err instanceof WorkflowNotFoundError)
    return new ApiError(404, 'not-found', `No provisioning ${err.workflowId ?? ''}`.trim());
  if (err instanceof ProvisionNotRunningError) return new ApiError(409, 'not-running', err.message);
  if (err instanceof NumberBusyError) return new ApiError(409, 'number-busy', err.message);
  if (err instanceof AlreadyCancellingError) return new ApiError(409, 'already-cancelling', err.message);
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    return new ApiError(
      status,
      CODES[status] ?? (status < 500 ? 'invalid-request' : 'internal'),
      err.message || 'Bad request',
    );
  }
  if (temporalUnavailable(err)) return new ApiError(503, 'unavailable', 'Temporal is not reachable; try again');
  return new ApiError(500, 'internal', 'Internal error');
}

/** gRPC UNAVAILABLE (14) and DEADLINE_EXCEEDED (4); @grpc/grpc-js is not our direct dependency. */
const GRPC_UNAVAILABLE = new Set([14, 4]);

// The client wraps gRPC errors (ServiceError → cause); walk the chain for an unavailable/deadline code.
function temporalUnavailable(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (isGrpcServiceError(e) && GRPC_UNAVAILABLE.has(e.code)) return true;
  }
  return false;
}

export function errorBody(err: ApiError): ErrorBody {
  return { error: err.code, message: err.message, ...(err.problems && { problems: err.problems }) };
}

/** The app's `onError`: logs our own faults with their stack, answers JSON. */
export const onError: ErrorHandler<ApiEnv> = (err, c) => {
  const apiError = toApiError(err);
  if (apiError.status >= 500) c.get('logger').error({ err, workflowId: c.get('workflowId') }, 'request failed');
  return c.json(errorBody(apiError), apiError.status);
};

/** The app's `notFound`: 405 with `Allow` when the path exists under other methods, else 404. */
export function notFound(routes: () => readonly { method: string; path: string }[]): NotFoundHandler<ApiEnv> {
  return (c: Context<ApiEnv>) => {
    const allowed = [
      ...new Set(
        routes()
          .filter((r) => r.method !== 'ALL' && routePattern(r.path).test(c.req.path))
          .map((r) => r.method),
      ),
    ];
    if (allowed.length === 0)
      return c.json(errorBody(new ApiError(404, 'not-found', `No route ${c.req.method} ${c.req.path}`)), 404);
    c.header('Allow', allowed.join(', '));
    return c.json(
      errorBody(
        new ApiError(
          405,
          'method-not-allowed',
          `${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(' or ')}`,
        ),
      ),
      405,
    );
  };
}

// Hono route paths ('/v1/provisions/:id/cancel') as anchored regexes; our paths have no other syntax.
const routePattern = (path: string) =>
  new RegExp(`^${path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\/:[^/]+/g, '/[^/]+')}/?$`);

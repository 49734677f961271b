import { randomUUID } from 'node:crypto';
import { ConnectionDropped } from '../shared/connection';
import { jsonApi } from './documents';

/** The one error class of the Flowroute sandbox; the central handler turns it into Flowroute's error document. */
export class FlowrouteHttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'FlowrouteHttpError';
  }
}

/** Flowroute's error document; every error gets a fresh UUIDv4 id, like the one in Flowroute's example. */
export function flowrouteError(
  status: number,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): Response {
  return jsonApi(status, { errors: [{ id: randomUUID(), status, title, detail }] }, headers);
}

/** 422 "Invalid CNAM value", the title Flowroute gives a refused value (its documented example is a duplicate). */
export const invalidValue = (detail: string): FlowrouteHttpError =>
  new FlowrouteHttpError(422, 'Invalid CNAM value', detail);

export const badRequest = (detail: string): FlowrouteHttpError => new FlowrouteHttpError(400, 'Bad Request', detail);

export const resourceNotFound = (detail: string): FlowrouteHttpError =>
  new FlowrouteHttpError(404, 'Resource not found', detail);

/** 405 for a known path with a method it does not take. */
export const methodNotAllowed = (): FlowrouteHttpError =>
  new FlowrouteHttpError(405, 'Method Not Allowed', 'The method is not allowed for this resource.');

/** Hono `onError` handler: sandbox errors in Flowroute's error format, anything else as a 500 naming the bug. */
export function handleError(err: Error): Response {
  // A dropped connection has nobody to answer.
  if (err instanceof ConnectionDropped) throw err;
  if (err instanceof FlowrouteHttpError) return flowrouteError(err.status, err.title, err.detail);
  return flowrouteError(500, 'Internal Server Error', `Sandbox error: ${err.message}`);
}

/** One JSON log line per request, carrying the workflowId whenever the request concerns one. */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { ApiEnv } from './context';

export function requestLog(logger: Logger): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const started = performance.now();
    c.set('logger', logger);
    await next();
    const workflowId = c.get('workflowId');
    const line = {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
      ...(workflowId && { workflowId }),
    };
    if (c.res.status >= 500) logger.error(line, 'request');
    else logger.info(line, 'request');
  };
}

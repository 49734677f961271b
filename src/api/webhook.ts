/**
 * Twilio's Trust Product status callback (UNDOCUMENTED 1: form fields AccountSid, BundleSid,
 * Status, FailureReason). Verified against the PUBLIC URL Twilio signed, refused when replayed,
 * then delivered to the running workflow as a hint: the workflow re-reads the Trust Product.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import { z } from 'zod';
import { findRunningByTrustProduct } from '../provisioning/queries';
import { trustProductStatusChanged } from '../workflows/messages';
import type { ApiDeps, ApiEnv, WebhookConfig } from './context';
import { ApiError, ErrorBodySchema } from './errors';
import { createReplayGuard, type ReplayGuard } from './replay-guard';
import { parseOrThrow } from './schemas';

const CallbackSchema = z.looseObject({
  BundleSid: z.string().regex(/^BU[0-9a-f]{32}$/, 'must be a Trust Product SID: BU followed by 32 hex digits'),
  Status: z.string().min(1).max(64),
}).meta({ id: 'TrustProductStatusCallback' });

/** Mounts the receiver at the path of `webhook.publicUrl` (not behind bearer auth: Twilio signs instead). */
export function registerTwilioWebhook(app: OpenAPIHono<ApiEnv>, deps: ApiDeps & { webhook: WebhookConfig }, guard: ReplayGuard = createReplayGuard()): void {
  const path = new URL(deps.webhook.publicUrl).pathname;
  app.post(path, async (c) => {
    const signature = c.req.header('X-Twilio-Signature');
    if (!signature) throw new ApiError(400, 'invalid-request', 'X-Twilio-Signature is required');
    if (!/^application\/x-www-form-urlencoded\b/i.test(c.req.header('Content-Type') ?? '')) {
      throw new ApiError(415, 'unsupported-media-type', 'Expected an application/x-www-form-urlencoded body');
    }
    const params = formParams(await c.req.text());
    // Twilio signs the URL it was given; behind a proxy the request's own Host and scheme differ.
    if (!validateRequest(deps.webhook.authToken, signature, deps.webhook.publicUrl, params)) {
      throw new ApiError(403, 'forbidden', 'X-Twilio-Signature does not match');
    }
    if (!guard.firstSeen(signature)) throw new ApiError(403, 'forbidden', 'This callback was already received (replay)');
    const fields = parseOrThrow(CallbackSchema, params);
    const log = c.get('logger').child({ trustProductSid: fields.BundleSid, twilioStatus: fields.Status });

    const match = await findRunningByTrustProduct(deps.client, fields.BundleSid);
    if (match.attributeError) log.warn({ err: match.attributeError }, 'CnamTrustProductSid search failed; is the search attribute registered?');
    if (!match.workflowId) {
      log.info('status callback for a Trust Product no running provisioning waits on');
      return c.json({ note: `No running provisioning waits on ${fields.BundleSid}; nothing to do` }, 200);
    }
    c.set('workflowId', match.workflowId);
    try {
      await deps.client.workflow.getHandle(match.workflowId).signal(trustProductStatusChanged, { trustProductSid: fields.BundleSid, status: fields.Status });
    } catch (err) {
      // A hint only: the workflow still polls, so a lost signal delays it and Twilio must not see an error.
      log.error({ err, workflowId: match.workflowId }, 'could not signal the provisioning');
      return c.json({ note: `Not delivered to ${match.workflowId}; it will see the status at its next check` }, 200);
    }
    log.info({ workflowId: match.workflowId, via: match.via }, 'status callback delivered');
    return c.body(null, 200);
  });
  app.openAPIRegistry.registerPath({
    method: 'post', path, summary: 'Twilio Trust Product status callback (signed with X-Twilio-Signature)',
    request: { body: { content: { 'application/x-www-form-urlencoded': { schema: CallbackSchema } } } },
    responses: {
      200: { description: 'Delivered to the waiting workflow, or nothing waits on it (with a note)' },
      400: { description: 'Missing signature or fields', content: { 'application/json': { schema: ErrorBodySchema } } },
      403: { description: 'Signature does not match, or a replay', content: { 'application/json': { schema: ErrorBodySchema } } },
    },
  });
}

/** Form fields as the signature covers them: a repeated name keeps every value. */
function formParams(body: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const prior = params[key];
    params[key] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  return params;
}

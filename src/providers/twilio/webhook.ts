/**
 * Twilio's Trust Product status callback. Twilio documents nothing of its body and
 * logs error 11217 for every 4xx/5xx, so once the signature checks out this receiver takes every
 * `BU…` SID it finds anywhere in a form or JSON body, tells the provisionings waiting on them to look
 * now, and answers 200 to anything signed: unknown shapes and duplicates included.
 *
 * No replay memory: a callback is only a hint. The workflow re-reads the Trust Product from Twilio
 * and acts on that, so a repeated (validly signed) callback costs one extra GET and changes nothing;
 * remembering signatures across restarts would guard against no harm.
 */
import { z } from 'zod';
import type { OpenAPIHono } from '@hono/zod-openapi';
import twilio from 'twilio';
import { signalProvision } from '../../app/control';
import { findRunningBy } from '../../app/list';
import { CnamTrustProductSid } from './search-attributes';
import { trustProductStatusChanged } from './signals';
import type { ApiDeps, ApiEnv, WebhookConfig } from '../../api/context';
import { ApiError } from '../../api/errors';
import { errorResponses, json } from '../../api/openapi';
import { ProvisionIdSchema } from '../../app/schemas';
import { readCallback, type Callback } from './webhook-body';

/** A callback naming more SIDs than this is not Twilio's: the rest are ignored (each costs visibility queries). */
const MAX_SIDS = 5;

/** What the Twilio webhook answers whenever the signature checks out (Twilio logs error 11217 for anything else). */
export const WebhookAckSchema = z
  .object({
    received: z.literal(true),
    /** Every Trust Product SID (BU…) found in the body. */
    trustProductSids: z.array(z.string().regex(/^BU[0-9a-f]{32}$/)),
    /** The provisionings signalled to look now. */
    signalled: z.array(ProvisionIdSchema),
    note: z.string().optional(),
  })
  .meta({ id: 'TwilioCallbackAck' });

/** Mounts the receiver at the path of `webhook.publicUrl` (not behind bearer auth: Twilio signs instead). */
export function registerTwilioWebhook(app: OpenAPIHono<ApiEnv>, deps: ApiDeps & { webhook: WebhookConfig }): void {
  const path = new URL(deps.webhook.publicUrl).pathname;
  app.post(path, async (c) => {
    const signature = c.req.header('X-Twilio-Signature');
    if (!signature) throw new ApiError(400, 'invalid-request', 'X-Twilio-Signature is required');
    const raw = await c.req.text();
    const callback = readCallback(c.req.header('Content-Type'), raw);
    if (!verified(deps.webhook, signature, c.req.url, callback, raw)) {
      throw new ApiError(403, 'forbidden', 'X-Twilio-Signature does not match');
    }
    const log = c.get('logger').child({ callbackFields: callback.fieldNames, contentType: callback.kind });
    const sids = callback.trustProductSids.slice(0, MAX_SIDS);
    if (sids.length === 0) {
      log.warn('signed status callback without a Trust Product SID: nothing to signal');
      return c.json(
        {
          received: true as const,
          trustProductSids: [],
          signalled: [],
          note: 'No Trust Product SID (BU…) in the body; nothing to do',
        },
        200,
      );
    }
    log.info({ trustProductSids: sids }, 'Twilio status callback');
    const outcomes = await Promise.all(sids.map((sid) => wake(deps, sid, callback.status, log)));
    const signalled = outcomes.flatMap((o) => (o.workflowId ? [o.workflowId] : []));
    const notes = outcomes.flatMap((o) => (o.note ? [o.note] : []));
    if (signalled.length > 0) c.set('workflowId', signalled.join(','));
    return c.json(
      {
        received: true as const,
        trustProductSids: sids,
        signalled,
        ...(notes.length > 0 && { note: notes.join('; ') }),
      },
      200,
    );
  });
  app.openAPIRegistry.registerPath({
    method: 'post',
    path,
    operationId: 'twilioTrustProductCallback',
    summary: 'Twilio Trust Product status callback (signed with X-Twilio-Signature)',
    description:
      'Any form or JSON body (JSON is signed with ?bodySHA256=); every BU… SID in it wakes the provisioning waiting on it. Anything signed is answered 200.',
    request: {
      headers: z.object({ 'X-Twilio-Signature': z.string().min(1) }),
      body: {
        content: {
          'application/x-www-form-urlencoded': { schema: z.record(z.string(), z.string()) },
          'application/json': { schema: z.record(z.string(), z.unknown()) },
        },
      },
    },
    responses: {
      200: json(WebhookAckSchema, 'Signed: the SIDs found and the provisionings woken, or a note saying why none was'),
      ...errorResponses([400, 403, 413], {
        400: 'X-Twilio-Signature is missing',
        403: 'X-Twilio-Signature does not match the public URL and body',
      }),
    },
  });
}

/**
 * Twilio signs the URL it was given (behind a proxy the request's own host and scheme differ) with
 * the query it called: a form's fields are signed with it, a JSON body through `?bodySHA256=`.
 * Joined as text, so the URL stays byte for byte what Twilio signed.
 */
function verified(
  config: WebhookConfig,
  signature: string,
  requestUrl: string,
  callback: Callback,
  raw: string,
): boolean {
  const query = requestUrl.includes('?') ? requestUrl.slice(requestUrl.indexOf('?')) : '';
  const url = (config.publicUrl.split('?')[0] ?? config.publicUrl) + query;
  if (callback.kind === 'form') return twilio.validateRequest(config.authToken, signature, url, callback.params);
  return twilio.validateRequestWithBody(config.authToken, signature, url, raw);
}

type Log = ApiEnv['Variables']['logger'];

// A hint only: the workflow still polls, so a lost signal delays it and Twilio must not see an error.
async function wake(
  deps: ApiDeps,
  trustProductSid: string,
  status: string | undefined,
  log: Log,
): Promise<{ workflowId?: string; note?: string }> {
  try {
    const workflowId = await findRunningBy(deps.client, CnamTrustProductSid, trustProductSid);
    if (!workflowId) {
      log.info({ trustProductSid }, 'status callback for a Trust Product no running provisioning waits on');
      return { note: `No running provisioning waits on ${trustProductSid}` };
    }
    await signalProvision(deps.client, workflowId, trustProductStatusChanged, {
      trustProductSid,
      ...(status && { status }),
    });
    log.info({ trustProductSid, workflowId }, 'status callback delivered');
    return { workflowId };
  } catch (err) {
    log.error({ err, trustProductSid }, 'could not deliver the status callback');
    return { note: `Not delivered for ${trustProductSid}; the provisioning will see the status at its next check` };
  }
}

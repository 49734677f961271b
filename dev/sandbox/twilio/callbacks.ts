import { checkCallbackSettings, signedCallback, type CallbackFields, type CallbackSettings } from './callback-shapes';
import { badRequest } from './errors';
import type { CallbackRecord, TrustProduct, TwilioSandboxState } from './store';

/** Sends Trust Product status callbacks (their contract is undocumented; see callback-shapes.ts) and keeps a log of them. */
export interface CallbackSender {
  /** Fire-and-forget POST of the product's current status to its StatusCallback, if any. */
  notify(tp: TrustProduct): void;
  /** Resolves when every callback sent so far has finished (answered or failed). */
  settled(): Promise<void>;
  settings(): CallbackSettings;
  /** Changes shape and/or repeats for callbacks sent from now on; throws 400 / 20001 on bad input. */
  configure(changes: Partial<CallbackSettings>): CallbackSettings;
}

const CALLBACK_TIMEOUT_MS = 5000;

/**
 * Signs with the account auth token exactly as Twilio signs webhooks. By default one attempt and no
 * retry; `callbackRepeats` delivers each callback that many times, one after the other.
 */
export function createCallbackSender(
  state: TwilioSandboxState,
  authToken: string,
  now: () => number,
  initial: CallbackSettings,
): CallbackSender {
  const inFlight = new Set<Promise<void>>();
  let current = { ...initial };

  async function send(url: string, fields: CallbackFields, settings: CallbackSettings, attempt: number): Promise<void> {
    const cb = signedCallback(settings.callbackShape, authToken, url, fields);
    const record: CallbackRecord = {
      url: cb.url,
      params: cb.params,
      shape: settings.callbackShape,
      attempt,
      signature: cb.signature,
      responseStatus: null,
      sentAt: new Date(now()).toISOString(),
    };
    state.callbacks.push(record);
    try {
      const res = await fetch(cb.url, {
        method: 'POST',
        headers: {
          'Content-Type': cb.contentType,
          'User-Agent': 'TwilioProxy/1.1',
          'X-Twilio-Signature': cb.signature,
        },
        body: cb.body,
        signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
      });
      record.responseStatus = res.status;
      await res.body?.cancel();
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
    }
  }

  return {
    notify(tp) {
      if (!tp.statusCallback) return;
      const url = tp.statusCallback;
      // Fixed now: the product may move on before the repeats go out.
      const fields: CallbackFields = { accountSid: state.accountSid, trustProductSid: tp.sid, status: tp.status };
      if (tp.status === 'twilio-rejected' && tp.failureReason) fields.failureReason = tp.failureReason;
      const settings = { ...current };
      const deliver = async () => {
        for (let attempt = 1; attempt <= settings.callbackRepeats; attempt++)
          await send(url, fields, settings, attempt);
      };
      const p = deliver().finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    settings: () => ({ ...current }),
    configure(changes) {
      const checked = checkCallbackSettings(changes);
      if (typeof checked === 'string') throw badRequest(checked);
      current = { ...current, ...checked };
      return { ...current };
    },
  };
}

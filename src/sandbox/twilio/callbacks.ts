import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import type { CallbackRecord, TrustProduct, TwilioSandboxState } from './store';

/** Sends Trust Product status callbacks (UNDOCUMENTED 1) and keeps a log of them. */
export interface CallbackSender {
  /** Fire-and-forget POST of the product's current status to its StatusCallback, if any. */
  notify(tp: TrustProduct): void;
  /** Resolves when every callback sent so far has finished (answered or failed). */
  settled(): Promise<void>;
}

const CALLBACK_TIMEOUT_MS = 5000;

/** Signs with the account auth token exactly as Twilio signs webhooks, one attempt, no retry. */
export function createCallbackSender(state: TwilioSandboxState, authToken: string, now: () => number): CallbackSender {
  const inFlight = new Set<Promise<void>>();

  async function send(url: string, params: Record<string, string>): Promise<void> {
    const signature = getExpectedTwilioSignature(authToken, url, params);
    const record: CallbackRecord = { url, params, signature, responseStatus: null, sentAt: new Date(now()).toISOString() };
    state.callbacks.push(record);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'User-Agent': 'TwilioProxy/1.1',
          'X-Twilio-Signature': signature,
        },
        body: new URLSearchParams(params).toString(),
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
      const params: Record<string, string> = { AccountSid: state.accountSid, BundleSid: tp.sid, Status: tp.status };
      if (tp.status === 'twilio-rejected' && tp.failureReason) params.FailureReason = tp.failureReason;
      const p = send(tp.statusCallback, params).finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

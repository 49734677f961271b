/** The Twilio workflow's own message: the webhook receiver sends it, the workflow handles it. */
import { defineSignal } from '@temporalio/workflow';

/** What Twilio's status callback said; a hint only: the workflow re-reads the Trust Product. */
export interface TrustProductStatusHint {
  trustProductSid?: string;
  status?: string;
}

/** Sent by the webhook receiver when Twilio calls the Trust Product's status callback. */
export const trustProductStatusChanged = defineSignal<[TrustProductStatusHint]>('trustProductStatusChanged');

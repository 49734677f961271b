/** Twilio's own search attribute: the Trust Product under review, so the webhook finds the provisioning a callback is about. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CnamTrustProductSid = defineSearchAttributeKey('CnamTrustProductSid', SearchAttributeType.KEYWORD);

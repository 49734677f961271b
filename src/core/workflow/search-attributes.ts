/**
 * Custom search attributes, so operators can filter provisionings in the Web UI and with
 * `temporal workflow list --query 'CnamStep="awaiting-approval"'`. Registered by the dev
 * server's flags (`npm run dev`) or `cnam setup` on an existing cluster.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SEARCH_ATTRIBUTES = {
  provider: 'CnamProvider',
  phoneNumber: 'CnamPhoneNumber',
  step: 'CnamStep',
  displayName: 'CnamDisplayName',
  trustProductSid: 'CnamTrustProductSid',
} as const;

export const CnamProvider = defineSearchAttributeKey(SEARCH_ATTRIBUTES.provider, SearchAttributeType.KEYWORD);
export const CnamPhoneNumber = defineSearchAttributeKey(SEARCH_ATTRIBUTES.phoneNumber, SearchAttributeType.KEYWORD);
export const CnamStep = defineSearchAttributeKey(SEARCH_ATTRIBUTES.step, SearchAttributeType.KEYWORD);
export const CnamDisplayName = defineSearchAttributeKey(SEARCH_ATTRIBUTES.displayName, SearchAttributeType.TEXT);
export const CnamTrustProductSid = defineSearchAttributeKey(SEARCH_ATTRIBUTES.trustProductSid, SearchAttributeType.KEYWORD);

/** Name and type of each, as the dev server's `--search-attribute` flag and the operator service take them. */
export const SEARCH_ATTRIBUTE_DEFINITIONS: { name: string; type: 'Keyword' | 'Text' }[] = [
  { name: SEARCH_ATTRIBUTES.provider, type: 'Keyword' },
  { name: SEARCH_ATTRIBUTES.phoneNumber, type: 'Keyword' },
  { name: SEARCH_ATTRIBUTES.step, type: 'Keyword' },
  { name: SEARCH_ATTRIBUTES.displayName, type: 'Text' },
  { name: SEARCH_ATTRIBUTES.trustProductSid, type: 'Keyword' },
];

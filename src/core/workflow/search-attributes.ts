/**
 * The search attributes every provisioning carries, so operators can filter provisionings in the Web
 * UI and with `temporal workflow list --query 'CnamStep="awaiting-approval"'`. A provider may add its
 * own (its module lists them); `cnam setup` and the dev stack register all of them.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** A typed search attribute key (the SDK exports the function that makes one, not its type). */
export type SearchAttributeKey = ReturnType<typeof defineSearchAttributeKey<'KEYWORD' | 'TEXT'>>;

export const CnamProvider = defineSearchAttributeKey('CnamProvider', SearchAttributeType.KEYWORD);
export const CnamPhoneNumber = defineSearchAttributeKey('CnamPhoneNumber', SearchAttributeType.KEYWORD);
export const CnamStep = defineSearchAttributeKey('CnamStep', SearchAttributeType.KEYWORD);
export const CnamDisplayName = defineSearchAttributeKey('CnamDisplayName', SearchAttributeType.TEXT);
/** The fleet a provisioning belongs to (set when the fleet starts it), and on the fleet itself. */
export const CnamFleetId = defineSearchAttributeKey('CnamFleetId', SearchAttributeType.KEYWORD);

/**
 * Whether the name shows on the network, from the last CNAM dip: `showing`, `not-showing` (dipped to
 * the bound, or an answer that is someone else's name), `checking` (between dips), `unverified` (no
 * Lookup credentials, or verification turned off).
 */
export const CnamShowing = defineSearchAttributeKey('CnamShowing', SearchAttributeType.KEYWORD);
/** On a reconciliation run: `found` when any number drifted from what we provisioned, else `none`. */
export const CnamDrift = defineSearchAttributeKey('CnamDrift', SearchAttributeType.KEYWORD);

/**
 * Memo key a starter sets to false when payloads are encrypted (CNAM_CODEC_KEYS): search attributes are
 * stored and shown in plaintext, so the name then stays out of `CnamDisplayName`. Absent means indexed
 * (every run started before the codec existed).
 */
export const NAMES_INDEXED_MEMO = 'cnamNamesIndexed';

/** Every key shared by all providers. */
export const CORE_SEARCH_ATTRIBUTES: SearchAttributeKey[] = [
  CnamProvider,
  CnamPhoneNumber,
  CnamStep,
  CnamDisplayName,
  CnamFleetId,
  CnamShowing,
  CnamDrift,
];

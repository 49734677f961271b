/**
 * Twilio, as its Trust Hub CNAM guide tells it: the numbers on an approved Business Profile, a CNAM
 * Trust Product with the profile, a cnam_information End User and the numbers, evaluated and
 * submitted, approved after review, Caller Name Lookup on, 48-72 h for carriers. Read in this order:
 * options.ts and contract.ts, names.ts, workflow.ts, activities.ts, client.ts and texts.ts, then
 * webhook.ts (the status-callback receiver the API mounts).
 */
import { provisionWorkflowId } from '../../config/constants';
import type { ProviderModule } from '../../core/provider';
import { resourceNames } from './resource-names';
import type { Twilio } from './client';
import type { TwilioProvisionInput, TwilioProvisionResult } from './contract';
import { MAX_NUMBERS_PER_TRUST_PRODUCT, TWILIO_OPTIONS } from './options';

/** A yes/no cell of a fleet file: true, false, undefined when empty, else the text as given. */
function switchCell(cell: string | undefined): boolean | string | undefined {
  const text = cell?.trim().toLowerCase();
  if (!text) return undefined;
  if (['true', 'yes', 'y', '1', 'on'].includes(text)) return true;
  if (['false', 'no', 'n', '0', 'off'].includes(text)) return false;
  return cell;
}

export const twilio: ProviderModule<'twilio', TwilioProvisionInput, TwilioProvisionResult, Twilio> = {
  id: 'twilio',
  label: 'Twilio',
  workflowType: 'provisionTwilioCnam',
  loadWorkflow: async () => (await import('./workflow')).provisionTwilioCnam,
  workflowModulePath: require.resolve('./workflow'),
  // Loaded on first use (zod, the profanity data): `cnam --help` needs neither.
  get input() {
    return (require('./contract') as typeof import('./contract')).twilioInput;
  },
  get result() {
    return (require('./contract') as typeof import('./contract')).twilioResult;
  },
  options: TWILIO_OPTIONS,
  checkName: (raw) => (require('./names') as typeof import('./names')).checkTwilioName(raw),
  numbers: (input) => [
    { field: 'phoneNumber', value: input.phoneNumber },
    ...(input.additionalPhoneNumbers ?? []).map((value, i) => ({ field: `additionalPhoneNumbers.${i}`, value })),
  ],
  normalized: (input, [first, ...more], displayName) => ({
    ...input,
    phoneNumber: first!,
    additionalPhoneNumbers: more,
    displayName,
  }),
  fieldProblems: (input) => (require('./contract') as typeof import('./contract')).twilioFieldProblems(input),
  withDefaults: (input, defaults) =>
    input.statusCallbackUrl || !defaults.statusCallbackUrl
      ? input
      : { ...input, statusCallbackUrl: defaults.statusCallbackUrl },
  get searchAttributes() {
    return [(require('./search-attributes') as typeof import('./search-attributes')).CnamTrustProductSid];
  },
  cli: {
    description:
      'Put the number(s) on a CNAM Trust Product under your approved Business Profile, submit it, wait for approval, enable Caller Name Lookup',
    example:
      'cnam provision twilio --number +12065550100 --business-profile BU… --name "ACME PLUMBING" --email ops@example.com --wait',
    fields: {
      number: {
        flag: '--number <number>',
        help: 'a US local number on your Twilio account; repeat to put several numbers on one Trust Product',
        repeatable: true,
      },
      businessProfile: { flag: '--business-profile <sid>', help: 'your approved Trust Hub Business Profile, BU…' },
      name: { flag: '--name <name>', help: 'the caller name to show: at most 15 characters, starting with a letter' },
      email: { flag: '--email <email>', help: 'notification email for the Trust Product' },
      statusCallback: {
        flag: '--status-callback <url>',
        help: "public URL of this service's Twilio webhook receiver, so approval wakes the workflow at once",
        envDefault: 'CNAM_PUBLIC_WEBHOOK_URL',
      },
      callerNameLookup: {
        flag: '--no-caller-name-lookup',
        help: "skip Twilio's Caller Name Lookup step: CNAM dips on *incoming* calls, billed per call; it does not change the outbound name",
        optional: true,
      },
    },
    fromCli: (values) => {
      const [first, ...more] = values.number as string[];
      return {
        phoneNumber: first!,
        ...(more.length > 0 && { additionalPhoneNumbers: more }),
        businessProfileSid: values.businessProfile as string,
        displayName: values.name as string,
        notificationEmail: values.email as string,
        ...(typeof values.statusCallback === 'string' && { statusCallbackUrl: values.statusCallback }),
        ...(values.callerNameLookup === false && { callerNameLookup: false }),
      };
    },
  },
  fleet: {
    columns: ['businessProfileSid', 'notificationEmail', 'callerNameLookup'],
    inputFromRow: (row) => {
      const lookup = switchCell(row.callerNameLookup);
      return {
        phoneNumber: row.number,
        displayName: row.displayName,
        businessProfileSid: row.businessProfileSid ?? '',
        notificationEmail: row.notificationEmail ?? '',
        // A cell that is no yes/no word goes through as it is, so the input check names the row.
        ...(lookup !== undefined && { callerNameLookup: lookup as boolean }),
      };
    },
    // Twilio reviews a Trust Product, not each number: one product per Business Profile and name (and
    // one Caller Name Lookup choice, which the group's workflow applies to all its numbers).
    groupKey: (input) =>
      `${input.businessProfileSid} ${input.displayName.toUpperCase()}${input.callerNameLookup === false ? ' no-lookup' : ''}`,
    maxNumbersPerGroup: MAX_NUMBERS_PER_TRUST_PRODUCT,
    mergeGroup: ([first, ...rest]) => ({
      ...first!,
      ...(rest.length > 0 && { additionalPhoneNumbers: rest.map((input) => input.phoneNumber) }),
    }),
    survey: {
      activity: 'surveyTwilioFleet',
      query: (input) => ({
        displayName: input.displayName,
        numbers: [input.phoneNumber, ...(input.additionalPhoneNumbers ?? [])].map((number) => ({
          number,
          trustProductName: resourceNames(provisionWorkflowId('twilio', number)).trustProduct,
        })),
      }),
    },
  },
  lifecycle: {
    workflowModulePath: require.resolve('./lifecycle-workflow'),
    workflowTypes: { rename: 'renameTwilioCnam', remove: 'removeTwilioCnam', adopt: 'adoptTwilioCnam' },
    loadWorkflows: async () => {
      const w = await import('./lifecycle-workflow');
      return { rename: w.renameTwilioCnam, remove: w.removeTwilioCnam, adopt: w.adoptTwilioCnam };
    },
    get renameInput() {
      return (require('./contract') as typeof import('./contract')).twilioRenameInput;
    },
  },
  loadRuntime: async () => (await import('./runtime')).twilioRuntime,
  // Twilio signs callbacks with the account's auth token (even when the worker uses an API key).
  callbackSecretVariable: 'TWILIO_AUTH_TOKEN',
  registerHttp: (app, deps) => {
    // Loaded when the API mounts it: the receiver brings the Twilio SDK (signature checks).
    const { registerTwilioWebhook } = require('./webhook') as typeof import('./webhook');
    if (deps.webhook) registerTwilioWebhook(app, { ...deps, webhook: deps.webhook });
  },
};

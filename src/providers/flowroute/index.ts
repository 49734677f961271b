/**
 * Flowroute, as its CNAM guide tells it: validate the name, create (or reuse) a CNAM record, wait up
 * to 48 h for approval, assign it to the number, wait 5-7 business days. Read in this order:
 * options.ts and contract.ts (what it takes and returns), names.ts (the name rules), workflow.ts (the
 * flow), activities.ts (each API call), client.ts, schemas.ts and errors.ts (Flowroute's v2 API).
 */
import type { ProviderModule } from '../../core/provider';
import type { FlowrouteProvisionInput, FlowrouteProvisionResult } from './contract';
import type { FlowrouteClient } from './client';
import { FLOWROUTE_OPTIONS, MAX_NUMBERS_PER_RECORD } from './options';

export const flowroute: ProviderModule<
  'flowroute',
  FlowrouteProvisionInput,
  FlowrouteProvisionResult,
  FlowrouteClient
> = {
  id: 'flowroute',
  label: 'Flowroute',
  workflowType: 'provisionFlowrouteCnam',
  loadWorkflow: async () => (await import('./workflow')).provisionFlowrouteCnam,
  workflowModulePath: require.resolve('./workflow'),
  // Loaded on first use (zod, the profanity data): `cnam --help` needs neither.
  get input() {
    return (require('./contract') as typeof import('./contract')).flowrouteInput;
  },
  get result() {
    return (require('./contract') as typeof import('./contract')).flowrouteResult;
  },
  options: FLOWROUTE_OPTIONS,
  checkName: (raw) => (require('./names') as typeof import('./names')).checkFlowrouteName(raw),
  numbers: (input) => [
    { field: 'number', value: input.number },
    ...(input.additionalNumbers ?? []).map((value, i) => ({ field: `additionalNumbers.${i}`, value })),
  ],
  normalized: ({ additionalNumbers: _given, ...input }, [first, ...more], displayName) => ({
    ...input,
    number: first!,
    ...(more.length > 0 && { additionalNumbers: more }),
    displayName,
  }),
  fieldProblems: () => [],
  searchAttributes: [],
  cli: {
    description:
      'Create (or reuse) a Flowroute CNAM record, wait for approval, assign it to the number and wait for it to take effect',
    example: 'cnam provision flowroute --number +12065550100 --name "Bob Law" --wait',
    fields: {
      number: {
        flag: '--number <number>',
        help: 'the US long-code number on your Flowroute account, e.g. +12065550100',
      },
      name: { flag: '--name <name>', help: 'the caller name to show, at most 15 characters' },
    },
    fromCli: (values) => ({ number: values.number as string, displayName: values.name as string }),
  },
  fleet: {
    columns: [],
    inputFromRow: (row) => ({ number: row.number, displayName: row.displayName }),
    // Flowroute stores one record per distinct value (upper-cased): one per name, whatever the numbers.
    groupKey: (input) => input.displayName.toUpperCase(),
    maxNumbersPerGroup: MAX_NUMBERS_PER_RECORD,
    mergeGroup: ([first, ...rest]) => ({
      ...first!,
      ...(rest.length > 0 && { additionalNumbers: rest.map((input) => input.number) }),
    }),
    survey: {
      activity: 'surveyFlowrouteFleet',
      query: (input) => ({
        displayName: input.displayName,
        numbers: [input.number, ...(input.additionalNumbers ?? [])],
      }),
    },
  },
  lifecycle: {
    workflowModulePath: require.resolve('./lifecycle-workflow'),
    workflowTypes: { rename: 'renameFlowrouteCnam', remove: 'removeFlowrouteCnam', adopt: 'adoptFlowrouteCnam' },
    loadWorkflows: async () => {
      const w = await import('./lifecycle-workflow');
      return { rename: w.renameFlowrouteCnam, remove: w.removeFlowrouteCnam, adopt: w.adoptFlowrouteCnam };
    },
    get renameInput() {
      return (require('./contract') as typeof import('./contract')).flowrouteRenameInput;
    },
  },
  loadRuntime: async () => (await import('./runtime')).flowrouteRuntime,
};

/**
 * What a provider brings: one module per provider (src/providers/<p>/index.ts), listed once in the
 * registry (src/providers/index.ts). The worker, the API, the CLI, the typed client and the search
 * attributes all read the registry; nothing else in the product names a provider.
 *
 * A module is light: its workflow and its worker-side parts (API client, activities, environment)
 * load on first use, so `cnam validate-name` does not load an SDK it never calls.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiDeps, ApiEnv } from '../api/context';
import type { z } from 'zod';
import type { LifecycleOperation, LifecycleResult } from './lifecycle';
import type { NameCheck } from './names';
import type { OptionTable } from './options';
import type { RequestProblem } from './request-problem';
import type { SearchAttributeKey } from './workflow/search-attributes';

/** A number in a workflow input: the field it is in (for problems) and its value. */
export interface NumberField {
  field: string;
  value: string;
}

/** The worker side of a provider: its client from the environment, and its activities around that client. */
export interface ProviderRuntime<Client> {
  /** The client from the provider's environment variables, or null when they are not set. Throws ConfigError when malformed. */
  clientFromEnv(env: NodeJS.ProcessEnv, options: { timeoutMs: number }): Client | null;
  /** The provider's activities; with a null client each fails permanently, saying which variables to set. */
  createActivities(client: Client | null): Record<string, (input: never) => Promise<unknown>>;
  /**
   * Activities the provider offers every provider's runs, on the workflows' own queue (Twilio: the
   * CNAM dip through Lookup). They replace the core's fallbacks of the same name.
   */
  createSharedActivities?(client: Client | null): Record<string, (input: never) => Promise<unknown>>;
}

/** A fleet row: its provider, number and name, and the provider's own columns (e.g. businessProfileSid). */
export type FleetRow = { provider: string; number: string; displayName: string } & Record<string, string | undefined>;

export interface FleetSpec<Input> {
  /** The provider's columns beyond provider, number and displayName, for help texts and templates. */
  columns: string[];
  /** One row as a start of this provider's workflow (checked like any start). */
  inputFromRow(row: FleetRow): Input;
  /** Rows with the same key share one group: one record or Trust Product, reviewed once. */
  groupKey(input: Input): string;
  /** At most this many numbers in one group's workflow. */
  maxNumbersPerGroup: number;
  /** One input for a group: the first row's with every row's number (all share the key). */
  mergeGroup(inputs: Input[]): Input;
  /**
   * Reading, for the plan, what the provider already has: the activity (on the provider's queue, read
   * only) takes `{ groups: [query(input), …] }` and answers `{ groups: GroupSurvey[] }` in that order.
   */
  survey: { activity: string; query(input: Input): unknown };
}

/**
 * Rename, remove and adopt (core/lifecycle): one workflow each, exported by one module, started under
 * the number's own workflow id (the one its provisioning has).
 */
export interface LifecycleSpec<RenameInput> {
  /** The module exporting the three workflows, for the worker's bundle. */
  workflowModulePath: string;
  /** Each operation's workflow type: the exported function's name. */
  workflowTypes: Record<LifecycleOperation, string>;
  /** The workflow functions, for starting them by reference. */
  loadWorkflows(): Promise<{
    rename: (input: RenameInput) => Promise<LifecycleResult>;
    remove: (input: { number: string }) => Promise<LifecycleResult>;
    adopt: (input: { number: string }) => Promise<LifecycleResult>;
  }>;
  /** The rename input: number, displayName, the provider's tuning options and its own optional fields. */
  renameInput: z.ZodType<RenameInput>;
}

/** A required CLI option of `cnam provision <provider>`; tuning options come from the option table. */
export interface CliField {
  /** e.g. '--number <number>' */
  flag: string;
  help: string;
  /** May be given several times (collected into an array). */
  repeatable?: boolean;
  /** Optional, with this environment variable as its default. */
  envDefault?: string;
  /** Optional without a default: a switch such as `--no-caller-name-lookup`. */
  optional?: boolean;
}

export interface ProviderModule<
  Id extends string = string,
  Input extends { displayName: string } = { displayName: string },
  Result = unknown,
  Client = unknown,
> {
  /** The id in workflow ids, search attributes and the API, e.g. 'flowroute'. */
  id: Id;
  /** The name as people write it, e.g. 'Flowroute'. */
  label: string;
  /** The workflow's type name: the exported function's name, which recorded histories carry. */
  workflowType: string;
  /** The workflow function, for starting it by reference (type-checked input). */
  loadWorkflow(): Promise<(input: Input) => Promise<Result>>;
  /** The module exporting the workflow, for the worker's workflow bundle. */
  workflowModulePath: string;
  /** The workflow input (structure; the name and number rules are checked by the application layer). */
  input: z.ZodType<Input>;
  /** What a completed workflow returns. */
  result: z.ZodType<Result>;
  options: OptionTable;
  checkName(raw: string): NameCheck;
  /** Every number of an input, the first being the one the workflow id is made from. */
  numbers(input: Input): NumberField[];
  /** The input with its numbers (in the order of `numbers`) in E.164 and its name normalised. */
  normalized(input: Input, e164s: string[], displayName: string): Input;
  /** The provider's own field rules beyond name and numbers (e.g. SID formats); empty when none is broken. */
  fieldProblems(input: Input): RequestProblem[];
  /** For inputs that do not name one: the deployment's public callback URL (Twilio's status callback). */
  withDefaults?(input: Input, defaults: { statusCallbackUrl?: string | undefined }): Input;
  /** Provider-specific search attributes its workflow upserts. */
  searchAttributes: SearchAttributeKey[];
  /** `cnam provision <id>`: description, example and the required options (mapped to an input by `fromCli`). */
  cli: {
    description: string;
    example: string;
    fields: Record<string, CliField>;
    /** The input from the parsed required options (tuning options are added from the table). */
    fromCli(values: Record<string, unknown>): Omit<Input, keyof OptionTable> & { displayName: string };
  };
  /** How a fleet's rows become this provider's workflows: rows that share work go in one group. */
  fleet: FleetSpec<Input>;
  /** Rename, remove and adopt. */
  // biome-ignore lint/suspicious/noExplicitAny: each provider's rename input differs; its module is checked against its own
  lifecycle: LifecycleSpec<any>;
  loadRuntime(): Promise<ProviderRuntime<Client>>;
  /** The environment variable holding the secret the provider signs its callbacks with, if it sends any. */
  callbackSecretVariable?: string;
  /** Extra HTTP routes the API mounts (Twilio's status-callback receiver). */
  registerHttp?(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void;
}

/** Accepts any module whatever its input, result and client types (each module is checked against its own). */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds modules of different input, result and client types
export type AnyProviderModule = ProviderModule<string, any, any, any>;

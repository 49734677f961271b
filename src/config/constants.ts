/** Defaults and names shared by the worker, the CLI, the API and the tests. */

export const DEFAULT_TASK_QUEUE = 'cnam-provisioning';
export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_TEMPORAL_UI_URL = 'http://localhost:8233';

/**
 * One workflow id per provider and number, so the server itself refuses a second
 * concurrent provisioning of the same number (`WorkflowExecutionAlreadyStartedError`).
 */
export function provisionWorkflowId(provider: string, e164: string): string {
  return `cnam-${provider}-${e164.replace(/^\+/, '')}`;
}

/** Link to a workflow in the Temporal Web UI. */
export function webUiLink(uiUrl: string, namespace: string, workflowId: string): string {
  return `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

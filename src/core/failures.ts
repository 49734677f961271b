/**
 * `ApplicationFailure` types shared by activities and workflows. Every type listed in
 * NON_RETRYABLE_FAILURES is a permanent answer: retrying cannot change it.
 */
export const FailureType = {
  /** The name or number breaks a rule; the message names the rule. */
  InvalidInput: 'InvalidInput',
  /** The provider answered 4xx (other than 429): its message is carried as is. */
  ProviderRefused: 'ProviderRefused',
  /** The worker has no credentials for the provider this workflow needs. */
  ProviderNotConfigured: 'ProviderNotConfigured',
  /** The provider's review rejected the name. */
  CnamRejected: 'CnamRejected',
  /** The review did not finish within the configured bound. */
  ApprovalTimedOut: 'ApprovalTimedOut',
  /** Twilio's evaluation found the Trust Product non-compliant. */
  EvaluationFailed: 'EvaluationFailed',
  /** After the wait, the number does not carry the record we assigned. */
  AssignmentNotConfirmed: 'AssignmentNotConfirmed',
  /** 429 or 5xx from the provider, or a network failure: retried. */
  ProviderUnavailable: 'ProviderUnavailable',
} as const;

export type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];

export const NON_RETRYABLE_FAILURES: string[] = [
  FailureType.InvalidInput,
  FailureType.ProviderRefused,
  FailureType.ProviderNotConfigured,
  FailureType.CnamRejected,
  FailureType.ApprovalTimedOut,
  FailureType.EvaluationFailed,
  FailureType.AssignmentNotConfirmed,
];

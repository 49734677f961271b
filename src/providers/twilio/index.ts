export {
  CNAM_POLICY_SID,
  createTwilioClient,
  parseRetryAfter,
  TwilioNetworkError,
  TwilioRateLimitError,
  type Twilio,
  type TwilioClientConfig,
} from './client';
export { CNAM_REJECTION_MESSAGES, describeEvaluationFailures, describeTrustHubError } from './texts';

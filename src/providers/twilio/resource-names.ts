/**
 * The names a Twilio provisioning gives what it creates, derived from its workflow id, so a crashed
 * attempt's resources are found again by the next one (and a fleet's plan can look for them).
 */
export function resourceNames(workflowId: string): { trustProduct: string; endUser: string } {
  return { trustProduct: `${workflowId} CNAM`, endUser: `${workflowId} cnam_information` };
}

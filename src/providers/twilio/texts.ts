/** Turns Trust Hub's coded answers (evaluation results, rejection codes) into sentences a person can act on. */
import { z } from 'zod';

/** Twilio's CNAM rejection codes, as its Trust Hub documentation lists them. */
export const CNAM_REJECTION_MESSAGES: Readonly<Record<number, string>> = {
  11006: 'The Business Profile is not approved.',
  11007: 'The CNAM display name does not match the business name.',
  11008: 'The CNAM display name contains prohibited content (e.g. FBI, Police, Government, Medicare).',
  11009:
    'The CNAM display name does not meet the requirements (at most 15 characters, starting with a letter; letters, digits, periods, commas and spaces).',
  18609: "The Business Profile's registration authority is not an EIN or DUNS number.",
};

/** A sentence for a Trust Product `errors[].code`. */
export function describeTrustHubError(code: number): string {
  return CNAM_REJECTION_MESSAGES[code] ?? `Twilio error ${code}`;
}

// Lenient: the SDK types `results` as opaque records, and Twilio documents the fields loosely.
const text = z.string().nullish().catch(null);
const invalidItem = z.object({
  friendly_name: text,
  failure_reason: text,
  error_code: z.number().nullish().catch(null),
});
const evaluationResult = z.object({
  requirement_friendly_name: text,
  requirement_name: text,
  passed: z.boolean().nullish().catch(null),
  failure_reason: text,
  error_code: z.number().nullish().catch(null),
  invalid: z.array(invalidItem).nullish().catch(null),
});

/** One sentence per failed requirement field, e.g. `CNAM Information, CNAM Display Name: … (error 22215)`. */
export function describeEvaluationFailures(results: unknown): string[] {
  const parsed = z.array(z.unknown()).catch([]).parse(results);
  const sentences = new Set<string>();
  for (const raw of parsed) {
    const r = evaluationResult.safeParse(raw);
    if (!r.success || r.data.passed !== false) continue;
    const requirement = r.data.requirement_friendly_name ?? r.data.requirement_name ?? 'Requirement';
    const items = r.data.invalid?.length
      ? r.data.invalid
      : [{ friendly_name: null, failure_reason: r.data.failure_reason, error_code: r.data.error_code }];
    for (const item of items) {
      const subject = item.friendly_name ? `${requirement}, ${item.friendly_name}` : requirement;
      const reason = item.failure_reason ?? r.data.failure_reason ?? 'requirement not met';
      const code = item.error_code ?? r.data.error_code;
      sentences.add(`${subject}: ${reason}${code ? ` (error ${code})` : ''}`);
    }
  }
  return [...sentences];
}

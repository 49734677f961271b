/** One broken rule of a request: the field, the rule's id and a sentence saying what is wrong. */
export interface RequestProblem {
  field: string;
  rule: string;
  message: string;
}

/** Every broken rule as `field (rule): message`, joined by `separator`, for error messages. */
export function describeProblems(problems: RequestProblem[], separator = '; '): string {
  return problems.map((p) => `${p.field} (${p.rule}): ${p.message}`).join(separator);
}

/**
 * What Flowroute already has for a fleet, read once before it starts: the account's records in one
 * paged read (not one lookup per name or per number), and for each approved record the fleet will
 * reuse, the numbers it is assigned to.
 */
import type { GroupSurvey } from '../../fleet/messages';
import type { CnamRecord, FlowrouteClient } from './client';

/** One group as the survey needs it: its name and its numbers (E.164). */
export interface FlowrouteSurveyGroup {
  displayName: string;
  numbers: string[];
}

// Flowroute documents no maximum page size; a large page keeps a big account to a few requests.
const SURVEY_PAGE_SIZE = 1000;
const SURVEY_MAX_PAGES = 1000;

/** Every record on the account by its value (trimmed, upper-cased); the oldest when several share one. */
async function recordsByValue(flowroute: FlowrouteClient): Promise<Map<string, CnamRecord>> {
  const byValue = new Map<string, CnamRecord>();
  let offset = 0;
  for (let page = 0; page < SURVEY_MAX_PAGES; page++) {
    const { records, nextOffset } = await flowroute.listCnams({ limit: SURVEY_PAGE_SIZE, offset });
    for (const record of records) {
      const key = record.value.trim().toUpperCase();
      if (!byValue.has(key)) byValue.set(key, record);
    }
    if (nextOffset === null || nextOffset <= offset || records.length === 0) break;
    offset = nextOffset;
  }
  return byValue;
}

export async function surveyFlowroute(
  flowroute: FlowrouteClient,
  groups: FlowrouteSurveyGroup[],
): Promise<GroupSurvey[]> {
  const byValue = await recordsByValue(flowroute);
  // The numbers of each approved record a group will reuse (the list leaves them out): one read per record.
  const assigned = new Map<string, Set<string>>();
  for (const group of groups) {
    const record = byValue.get(group.displayName.trim().toUpperCase());
    if (!record?.isApproved || assigned.has(record.id)) continue;
    assigned.set(record.id, new Set((await flowroute.getCnam(record.id)).numberIds));
  }
  return groups.map((group) => {
    const record = byValue.get(group.displayName.trim().toUpperCase());
    if (!record) return { reuses: null, alreadyDone: [], refusal: null };
    const words = `record ${record.id} "${record.value}"`;
    if (!record.isApproved && record.rejectionReason !== null) {
      return {
        reuses: null,
        alreadyDone: [],
        refusal: `Flowroute rejected ${words}: ${record.rejectionReason}. A new record with the same name would be refused as a duplicate; choose another name.`,
      };
    }
    const numberIds = assigned.get(record.id) ?? new Set<string>();
    return {
      reuses: `${words} (${record.isApproved ? 'approved' : 'awaiting approval'})`,
      // Flowroute names a number by its E.164 digits without the plus.
      alreadyDone: group.numbers
        .filter((e164) => numberIds.has(e164.slice(1)))
        .map((number) => ({ number, reason: `${words} is already assigned to it` })),
      refusal: null,
    };
  });
}

/**
 * What Twilio already has for a fleet, read once before it starts: the account's CNAM Trust Products
 * and End Users in one paged read each; for each approved product, the name its End User holds, and
 * for those showing a name of the fleet, the numbers on them.
 */
import type { GroupSurvey } from '../../fleet/messages';
import { CNAM_POLICY_SID, type Twilio } from './client';

/** One group as the survey needs it: its name, and each number with the Trust Product name a run starting from it uses. */
export interface TwilioSurveyGroup {
  displayName: string;
  numbers: { number: string; trustProductName: string }[];
}

const PAGE_SIZE = 1000;
const key = (name: string) => name.trim().toUpperCase();

export async function surveyTwilio(client: Twilio, groups: TwilioSurveyGroup[]): Promise<GroupSurvey[]> {
  const th = client.trusthub.v1;
  const products = (await th.trustProducts.list({ policySid: CNAM_POLICY_SID, pageSize: PAGE_SIZE }))
    .filter((tp) => tp.policySid === CNAM_POLICY_SID)
    .sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime());

  // Numbers already showing a fleet name: on an approved product whose cnam_information End User holds it.
  const wanted = new Set(groups.map((g) => key(g.displayName)));
  const approved = products.filter((tp) => tp.status === 'twilio-approved');
  const showing = new Map<string, { name: string; trustProductSid: string }>(); // PN SID → what it shows
  if (approved.length > 0) {
    const names = new Map<string, string>(); // End User SID → display name
    for (const eu of await th.endUsers.list({ pageSize: PAGE_SIZE })) {
      const name = (eu.attributes as { cnam_display_name?: unknown } | null)?.cnam_display_name;
      if (eu.type === 'cnam_information' && typeof name === 'string') names.set(eu.sid, name);
    }
    for (const tp of approved) {
      const entities = await th.trustProducts(tp.sid).trustProductsEntityAssignments.list({ pageSize: PAGE_SIZE });
      const name = entities.map((e) => names.get(e.objectSid)).find((n) => n !== undefined);
      if (name === undefined || !wanted.has(key(name))) continue;
      const endpoints = await th
        .trustProducts(tp.sid)
        .trustProductsChannelEndpointAssignment.list({ pageSize: PAGE_SIZE });
      for (const e of endpoints) showing.set(e.channelEndpointSid, { name, trustProductSid: tp.sid });
    }
  }
  const e164BySid = new Map<string, string>();
  if (showing.size > 0) {
    for (const n of await client.incomingPhoneNumbers.list({ pageSize: PAGE_SIZE }))
      e164BySid.set(n.sid, n.phoneNumber);
  }
  const shownByNumber = new Map([...showing].map(([sid, shown]) => [e164BySid.get(sid) ?? sid, shown]));

  return groups.map((group) => {
    const alreadyDone = group.numbers.flatMap(({ number }) => {
      const shown = shownByNumber.get(number);
      if (!shown || key(shown.name) !== key(group.displayName)) return [];
      return [{ number, reason: `on approved Trust Product ${shown.trustProductSid}, showing "${shown.name}"` }];
    });
    // The run starts from the first number left; its Trust Product is found by the name derived from it.
    const done = new Set(alreadyDone.map((d) => d.number));
    const first = group.numbers.find((n) => !done.has(n.number));
    const product = first && products.find((tp) => tp.friendlyName === first.trustProductName);
    return {
      reuses: product ? `Trust Product ${product.sid} "${product.friendlyName}" (${product.status})` : null,
      alreadyDone,
      refusal: null,
    };
  });
}

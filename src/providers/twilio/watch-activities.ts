/**
 * Twilio's drift check for `cnam watch` (read only): one paged read of the account's numbers, then per
 * Trust Product (not per number) its status and `valid_until`, the numbers on it and its End User's name.
 */
import type { DriftKind, NumberCheck, RepairPlan, WatchedNumber } from '../../watch/drift';
import { gone, requireTwilio, twilioCall } from './activities';
import type { Twilio } from './client';
import { describeTrustHubError } from './texts';

interface ProductState {
  status: string;
  /** ISO-8601, or null when Twilio sets none. */
  validUntil: string | null;
  email: string;
  errors: string[];
  /** PN SIDs on the product. */
  numbers: Set<string>;
}

export function createTwilioWatchActivities({ twilio: sdk }: { twilio: Twilio | null }) {
  const client = (): Twilio => requireTwilio(sdk);
  const th = () => client().trusthub.v1;

  /** The product as it is now; null when it no longer exists. */
  const readProduct = async (sid: string): Promise<ProductState | null> => {
    const tp = await gone(() => twilioCall(() => th().trustProducts(sid).fetch()));
    if (!tp) return null;
    const on = await gone(() =>
      twilioCall(() => th().trustProducts(sid).trustProductsChannelEndpointAssignment.list({ pageSize: 1000 })),
    );
    const errors = ((tp.errors ?? []) as { code?: unknown }[])
      .map((e) => Number(e?.code))
      .filter((code) => Number.isInteger(code))
      .map((code) => `${code}: ${describeTrustHubError(code)}`);
    const until = tp.validUntil ? new Date(tp.validUntil) : null;
    return {
      status: tp.status,
      validUntil: until && !Number.isNaN(until.getTime()) ? until.toISOString() : null,
      email: tp.email,
      errors,
      numbers: new Set((on ?? []).map((a) => a.channelEndpointSid)),
    };
  };

  /** The End User's `cnam_display_name`: undefined when it is gone, null when it holds none. */
  const readEndUserName = async (sid: string): Promise<string | null | undefined> => {
    const eu = await gone(() => twilioCall(() => th().endUsers(sid).fetch()));
    if (!eu) return undefined;
    const name = (eu.attributes as { cnam_display_name?: unknown } | null)?.cnam_display_name;
    return typeof name === 'string' && name.trim() !== '' ? name : null;
  };

  return {
    /** For each number: still on the account, still on its Trust Product, the product approved and valid, its name ours. */
    async checkTwilioDrift({ numbers }: { numbers: WatchedNumber[] }): Promise<{ checks: NumberCheck[] }> {
      const account = new Map(
        (await twilioCall(() => client().incomingPhoneNumbers.list({ pageSize: 1000 }))).map((n) => [
          n.phoneNumber,
          n.sid,
        ]),
      );
      const products = new Map<string, ProductState | null>();
      const endUsers = new Map<string, string | null | undefined>();
      const emails = new Map<string, string | null>();
      const profileEmail = async (sid: string): Promise<string | null> => {
        if (!emails.has(sid))
          emails.set(sid, (await gone(() => twilioCall(() => th().customerProfiles(sid).fetch())))?.email ?? null);
        return emails.get(sid) ?? null;
      };
      const now = Date.now();

      const checks: NumberCheck[] = [];
      for (const watched of numbers) {
        const { trustProductSid = '', endUserSid = '', businessProfileSid = '' } = watched.resources;
        const check = (kind: DriftKind, detail: string, repair: RepairPlan | null): NumberCheck => ({
          number: watched.number,
          drift: { kind, detail },
          repair,
          ...(!repair && {
            noRepair:
              kind === 'number-gone'
                ? 'report only: the number is no longer on the account'
                : 'report only: no Business Profile and notification email are known for a new Trust Product',
          }),
        });
        const phoneNumberSid = account.get(watched.number);
        if (!phoneNumberSid) {
          checks.push(check('number-gone', `${watched.number} is no longer on the Twilio account`, null));
          continue;
        }
        if (trustProductSid && !products.has(trustProductSid))
          products.set(trustProductSid, await readProduct(trustProductSid));
        const product = products.get(trustProductSid) ?? null;
        // A new provisioning of the name: a new Trust Product (or the number's own, found by name) for it.
        const provision = async (): Promise<RepairPlan | null> => {
          const email = product?.email || (businessProfileSid ? await profileEmail(businessProfileSid) : null);
          if (!businessProfileSid || !email) return null;
          return {
            operation: 'provision',
            request: {
              phoneNumber: watched.number,
              businessProfileSid,
              displayName: watched.displayName,
              notificationEmail: email,
            },
          };
        };
        if (!product) {
          const what = trustProductSid
            ? `Trust Product ${trustProductSid} no longer exists`
            : 'no Trust Product was recorded';
          checks.push(check('product-gone', what, await provision()));
          continue;
        }
        if (!product.numbers.has(phoneNumberSid)) {
          checks.push(
            check(
              'number-unassigned',
              `${watched.number} is no longer on Trust Product ${trustProductSid}`,
              await provision(),
            ),
          );
          continue;
        }
        if (product.status === 'twilio-rejected') {
          const why = product.errors.length > 0 ? `: ${product.errors.join('; ')}` : '';
          checks.push(
            check('product-rejected', `Trust Product ${trustProductSid} is twilio-rejected${why}`, await provision()),
          );
          continue;
        }
        if (product.validUntil && Date.parse(product.validUntil) <= now) {
          checks.push(
            check(
              'product-expired',
              `Trust Product ${trustProductSid} was valid until ${product.validUntil}`,
              await provision(),
            ),
          );
          continue;
        }
        if (endUserSid && !endUsers.has(endUserSid)) endUsers.set(endUserSid, await readEndUserName(endUserSid));
        const name = endUserSid ? endUsers.get(endUserSid) : watched.displayName;
        if (name === undefined || name === null) {
          const why =
            name === undefined
              ? `its End User ${endUserSid} no longer exists`
              : `its End User ${endUserSid} holds no name`;
          checks.push(check('name-removed', `Trust Product ${trustProductSid}: ${why}`, await provision()));
          continue;
        }
        if (name.trim().toUpperCase() !== watched.displayName.trim().toUpperCase()) {
          // The number shows another name: a rename puts ours on a new product and moves the number to it.
          checks.push(
            check('name-changed', `Trust Product ${trustProductSid} now carries "${name}"`, {
              operation: 'rename',
              request: { number: watched.number, displayName: watched.displayName },
            }),
          );
          continue;
        }
        checks.push({ number: watched.number, drift: null, repair: null });
      }
      return { checks };
    },
  };
}

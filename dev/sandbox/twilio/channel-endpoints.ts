import type { Context } from 'hono';
import { badRequest } from './errors';
import { requireParam } from './http';
import type { Filters } from './paging';
import type { ChannelEndpointAssignment, PhoneNumber, TwilioSandboxState } from './store';

/** Reads and checks `ChannelEndpointType` + `ChannelEndpointSid`; the number must be on the account. */
export function readChannelEndpoint(state: TwilioSandboxState, form: URLSearchParams): PhoneNumber {
  const type = requireParam(form, 'ChannelEndpointType');
  const sid = requireParam(form, 'ChannelEndpointSid');
  if (type !== 'phone-number') throw badRequest(`Invalid ChannelEndpointType ${type}: only phone-number is supported`);
  const pn = state.phoneNumbers.get(sid);
  if (!pn) throw badRequest(`ChannelEndpointSid ${sid} is not a phone number on this account`);
  return pn;
}

/** `ChannelEndpointSid` and `ChannelEndpointSids` (comma-separated) list filters. */
export function channelEndpointFilter(c: Context): {
  filters: Filters;
  keep: (a: ChannelEndpointAssignment) => boolean;
} {
  const one = c.req.query('ChannelEndpointSid');
  const many = c.req
    .queries('ChannelEndpointSids')
    ?.flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  const wanted = new Set([...(one ? [one] : []), ...(many ?? [])]);
  return {
    filters: [
      ['ChannelEndpointSid', one],
      ['ChannelEndpointSids', many?.join(',')],
    ],
    keep: (a) => wanted.size === 0 || wanted.has(a.channelEndpointSid),
  };
}

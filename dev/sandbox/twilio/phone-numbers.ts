import { Hono, type Context } from 'hono';
import { assertOwnAccount } from './auth';
import type { SandboxContext } from './context';
import { badRequest, callerIdLookupUnsupported, notFound } from './errors';
import { optionalParam, parseBool, parseUrlParam, readForm } from './http';
import { matchesPhoneFilter } from './numbers';
import { apiPage } from './paging';
import { phoneNumberJson } from './serialize';
import type { PhoneNumber } from './store';

function method(name: string, v: string): 'GET' | 'POST' {
  const m = v.toUpperCase();
  if (m !== 'GET' && m !== 'POST') throw badRequest(`Invalid ${name}: must be GET or POST`);
  return m;
}

/** 2010 API IncomingPhoneNumbers: list (PhoneNumber filter with `*`), fetch, update. */
export function phoneNumberRoutes({ state, opts }: SandboxContext): Hono {
  const app = new Hono();
  const base = '/2010-04-01/Accounts/:accountSid/IncomingPhoneNumbers';

  const numberOf = (c: Context): PhoneNumber => {
    assertOwnAccount(opts, c);
    const file = c.req.param('file') ?? '';
    const pn = file.endsWith('.json') ? state.phoneNumbers.get(file.slice(0, -'.json'.length)) : undefined;
    if (!pn) throw notFound(c.req.path);
    return pn;
  };

  app.get(`${base}.json`, (c) => {
    assertOwnAccount(opts, c);
    const raw = c.req.query('PhoneNumber');
    // An unencoded `+` in the query arrives as a space; read it as the `+` the client meant.
    const phone = raw?.replace(/^ /, '+');
    const [name, beta, origin] = [c.req.query('FriendlyName'), c.req.query('Beta'), c.req.query('Origin')];
    const items = [...state.phoneNumbers.values()].filter(
      (pn) =>
        (!phone || matchesPhoneFilter(pn.phoneNumber, phone)) &&
        (!name || pn.friendlyName === name) &&
        (!origin || origin === 'twilio'),
    );
    const filters: [string, string | undefined][] = [
      ['FriendlyName', name],
      ['Beta', beta],
      ['PhoneNumber', phone],
      ['Origin', origin],
    ];
    return c.json(apiPage(c, 'incoming_phone_numbers', filters, items, (pn) => phoneNumberJson(state.accountSid, pn)));
  });

  app.get(`${base}/:file`, (c) => c.json(phoneNumberJson(state.accountSid, numberOf(c))));

  app.post(`${base}/:file`, async (c) => {
    const pn = numberOf(c);
    const form = await readForm(c);
    const get = (name: string) => optionalParam(form, name);
    // Parse everything before assigning anything, so a bad parameter leaves the number untouched.
    const lookup = get('VoiceCallerIdLookup');
    const voiceUrl = get('VoiceUrl');
    const voiceMethod = get('VoiceMethod');
    const callback = get('StatusCallback');
    const callbackMethod = get('StatusCallbackMethod');
    const name = get('FriendlyName');
    const next: Partial<PhoneNumber> = {
      ...(lookup !== undefined && { voiceCallerIdLookup: parseBool('VoiceCallerIdLookup', lookup) }),
      ...(name !== undefined && { friendlyName: name }),
      ...(voiceUrl !== undefined && { voiceUrl: voiceUrl === '' ? null : parseUrlParam('VoiceUrl', voiceUrl) }),
      ...(voiceMethod !== undefined && { voiceMethod: method('VoiceMethod', voiceMethod) }),
      ...(callback !== undefined && {
        statusCallback: callback === '' ? '' : parseUrlParam('StatusCallback', callback),
      }),
      ...(callbackMethod !== undefined && { statusCallbackMethod: method('StatusCallbackMethod', callbackMethod) }),
    };
    if (next.voiceCallerIdLookup === true && !pn.voiceCallerIdLookupSupported) throw callerIdLookupUnsupported();
    Object.assign(pn, next);
    pn.dateUpdated = opts.now();
    return c.json(phoneNumberJson(state.accountSid, pn));
  });

  return app;
}

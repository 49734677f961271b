import { isoTime, rfc2822Time } from './http';
import type {
  ChannelEndpointAssignment,
  CustomerProfile,
  EndUser,
  EntityAssignment,
  Evaluation,
  PhoneNumber,
  TrustProduct,
} from './store';

// Key order follows Twilio's examples so diffs against real responses stay readable.

export function customerProfileJson(origin: string, accountSid: string, cp: CustomerProfile) {
  const url = `${origin}/v1/CustomerProfiles/${cp.sid}`;
  return {
    sid: cp.sid,
    account_sid: accountSid,
    policy_sid: cp.policySid,
    friendly_name: cp.friendlyName,
    status: cp.status,
    email: cp.email,
    status_callback: cp.statusCallback,
    valid_until: null,
    date_created: isoTime(cp.dateCreated),
    date_updated: isoTime(cp.dateUpdated),
    url,
    links: {
      customer_profiles_entity_assignments: `${url}/EntityAssignments`,
      customer_profiles_evaluations: `${url}/Evaluations`,
      customer_profiles_channel_endpoint_assignment: `${url}/ChannelEndpointAssignments`,
    },
    errors: null,
  };
}

export function customerProfileAssignmentJson(origin: string, accountSid: string, a: ChannelEndpointAssignment) {
  return {
    sid: a.sid,
    customer_profile_sid: a.parentSid,
    account_sid: accountSid,
    channel_endpoint_sid: a.channelEndpointSid,
    channel_endpoint_type: a.channelEndpointType,
    date_created: isoTime(a.dateCreated),
    url: `${origin}/v1/CustomerProfiles/${a.parentSid}/ChannelEndpointAssignments/${a.sid}`,
  };
}

export function trustProductJson(origin: string, accountSid: string, tp: TrustProduct) {
  const url = `${origin}/v1/TrustProducts/${tp.sid}`;
  return {
    sid: tp.sid,
    account_sid: accountSid,
    policy_sid: tp.policySid,
    friendly_name: tp.friendlyName,
    status: tp.status,
    email: tp.email,
    status_callback: tp.statusCallback,
    valid_until: tp.validUntil === null ? null : isoTime(tp.validUntil),
    date_created: isoTime(tp.dateCreated),
    date_updated: isoTime(tp.dateUpdated),
    url,
    links: {
      trust_products_entity_assignments: `${url}/EntityAssignments`,
      trust_products_evaluations: `${url}/Evaluations`,
      trust_products_channel_endpoint_assignment: `${url}/ChannelEndpointAssignments`,
    },
    errors: tp.errors,
  };
}

export function entityAssignmentJson(origin: string, accountSid: string, a: EntityAssignment) {
  return {
    sid: a.sid,
    trust_product_sid: a.trustProductSid,
    account_sid: accountSid,
    object_sid: a.objectSid,
    date_created: isoTime(a.dateCreated),
    url: `${origin}/v1/TrustProducts/${a.trustProductSid}/EntityAssignments/${a.sid}`,
  };
}

export function trustProductAssignmentJson(origin: string, accountSid: string, a: ChannelEndpointAssignment) {
  return {
    sid: a.sid,
    trust_product_sid: a.parentSid,
    account_sid: accountSid,
    channel_endpoint_sid: a.channelEndpointSid,
    channel_endpoint_type: a.channelEndpointType,
    date_created: isoTime(a.dateCreated),
    url: `${origin}/v1/TrustProducts/${a.parentSid}/ChannelEndpointAssignments/${a.sid}`,
  };
}

export function evaluationJson(origin: string, accountSid: string, e: Evaluation) {
  return {
    sid: e.sid,
    account_sid: accountSid,
    policy_sid: e.policySid,
    trust_product_sid: e.trustProductSid,
    status: e.status,
    date_created: isoTime(e.dateCreated),
    url: `${origin}/v1/TrustProducts/${e.trustProductSid}/Evaluations/${e.sid}`,
    results: e.results,
  };
}

export function endUserJson(origin: string, accountSid: string, eu: EndUser) {
  return {
    sid: eu.sid,
    account_sid: accountSid,
    friendly_name: eu.friendlyName,
    type: eu.type,
    attributes: eu.attributes,
    date_created: isoTime(eu.dateCreated),
    date_updated: isoTime(eu.dateUpdated),
    url: `${origin}/v1/EndUsers/${eu.sid}`,
  };
}

/** 2010 IncomingPhoneNumber; `uri` is relative, as Twilio returns it. */
export function phoneNumberJson(accountSid: string, pn: PhoneNumber) {
  return {
    account_sid: accountSid,
    address_requirements: 'none',
    address_sid: null,
    api_version: '2010-04-01',
    beta: false,
    bundle_sid: null,
    capabilities: { voice: true, sms: pn.type === 'local', mms: pn.type === 'local', fax: false },
    date_created: rfc2822Time(pn.dateCreated),
    date_updated: rfc2822Time(pn.dateUpdated),
    emergency_address_sid: null,
    emergency_address_status: 'unregistered',
    emergency_status: 'Inactive',
    friendly_name: pn.friendlyName,
    identity_sid: null,
    origin: 'twilio',
    phone_number: pn.phoneNumber,
    sid: pn.sid,
    sms_application_sid: null,
    sms_fallback_method: 'POST',
    sms_fallback_url: '',
    sms_method: 'POST',
    sms_url: '',
    status: 'in-use',
    status_callback: pn.statusCallback,
    status_callback_method: pn.statusCallbackMethod,
    trunk_sid: null,
    type: pn.type,
    uri: `/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers/${pn.sid}.json`,
    voice_application_sid: null,
    voice_caller_id_lookup: pn.voiceCallerIdLookup,
    voice_fallback_method: 'POST',
    voice_fallback_url: null,
    voice_method: pn.voiceMethod,
    voice_receive_mode: 'voice',
    voice_url: pn.voiceUrl,
  };
}

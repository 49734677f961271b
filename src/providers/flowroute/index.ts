export { FlowrouteClient } from './client';
export type { CnamPage, CnamRecord, FlowrouteClientOptions, FlowrouteNumber, ListCnamsQuery } from './client';
export { FlowrouteApiError } from './errors';

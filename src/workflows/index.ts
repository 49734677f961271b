/** Every workflow the worker registers. */
export { provisionFlowrouteCnam } from './flowroute';
export { provisionTwilioCnam } from './twilio';

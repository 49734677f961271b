/** Every workflow the worker registers. */
export { provisionFlowrouteCnam } from './providers/flowroute/workflow';
export { provisionTwilioCnam } from './providers/twilio/workflow';

export { createCoordinator, DEFAULTS } from './coordinator';
export type * from './api';

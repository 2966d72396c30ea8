/** Sent at registration; a unit test keeps it equal to package.json's version. */
export const AGENT_VERSION = '0.1.0';

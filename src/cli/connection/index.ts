export { clientFor } from './connect';
export { addConnectionFlags, connect } from './connectionFlags';
export { resolveConnection, type Connection, type ConnectionFlags } from './resolveConnection';
export { defaultDataDir, readAdminToken, readServerInfo, removeServerInfo, writeServerInfo, type ServerInfo } from './dataDir';

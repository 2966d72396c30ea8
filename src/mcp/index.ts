export { createGantryMcpServer } from './mcpServer';
export { handleMcpHttpRequest, serveMcpOverStdio } from './transports';
export { readableLogText, readLogTail, MAX_TAIL_BYTES, type LogTail } from './logTail';

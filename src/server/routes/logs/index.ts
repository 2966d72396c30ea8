import { createReadStream } from 'node:fs';
import { ValidationError } from '../../../shared';
import { requireCurrentAttempt } from '../currentAttempt';
import type { CallerHandler, RouteHandlers } from '../routeHandler';
import { isStrictBase64 } from './strictBase64';

const appendLog: CallerHandler<'appendLog'> = ({ params, body }, { coordinator, hub }) => {
  if (!isStrictBase64(body.data_b64)) throw new ValidationError('data_b64 is not valid base64', 'data_b64');
  requireCurrentAttempt(coordinator, params.id, body.attempt, 'logs');
  const result = coordinator.appendLog(params.id, body.attempt, body.seq, Buffer.from(body.data_b64, 'base64'), body.stream);
  if (result.accepted) hub.logAppended(params.id, body.attempt);
  return result;
};

/** The agents' log deliveries, which the agent channel carries too (they need nothing of HTTP). */
export const logCallerHandlers = { appendLog };

export const logHandlers: RouteHandlers<'readLog' | 'downloadLog' | 'appendLog'> = {
  readLog: ({ params, query, reply }, { coordinator }) => {
    const read = coordinator.readLog(params.id, params.attempt, query.offset, query.length, query.stream);
    reply
      .type('application/octet-stream')
      .header('x-log-size', String(read.size))
      .header('x-next-offset', String(read.next_offset))
      .header('x-log-complete', String(read.complete));
    return read.data;
  },
  downloadLog: ({ params, reply }, { coordinator }) => {
    // Streamed, and only up to the size the database vouches for: a log may be far larger than memory wants.
    const { size } = coordinator.readLog(params.id, params.attempt, 0, 0);
    reply
      .type('application/octet-stream')
      .header('content-length', String(size))
      .header('content-disposition', `attachment; filename="job-${params.id}-attempt-${params.attempt}.log"`);
    return size === 0 ? Buffer.alloc(0) : createReadStream(coordinator.logPath(params.id, params.attempt), { start: 0, end: size - 1 });
  },
  appendLog,
};

import { GantryClient } from '../../shared';
import { CliError, EXIT } from '../exitCodes';
import { isUnreachable, unreachableMessage } from '../failure';
import type { Connection } from './resolveConnection';

/** A client whose network failures become exit code 4 with the URL in the message. */
export function clientFor(connection: Connection, timeoutMs?: number): GantryClient {
  const fetchWithUrl: typeof fetch = async (input, init) => {
    try {
      return await fetch(input, init);
    } catch (error) {
      if (isUnreachable(error)) throw new CliError(EXIT.unreachable, unreachableMessage(error, connection.url));
      throw error;
    }
  };
  return new GantryClient({ baseUrl: connection.url, token: connection.token, fetch: fetchWithUrl, timeoutMs });
}

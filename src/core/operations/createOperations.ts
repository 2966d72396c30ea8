import type { CoreContext } from '../context';
import { readFleetGauges } from '../telemetry/fleetGauges';
import type { Operations } from './api';

export function createOperations(ctx: CoreContext): Operations {
  return {
    fleetGauges: () => readFleetGauges(ctx),
  };
}

import { countSweep, expandSweep, sweepJobName, type JobSubmitInput } from '../../../shared';
import type { RouteHandlers } from '../routeHandler';

const PREVIEW = 10;

export const sweepHandlers: RouteHandlers<'sweep'> = {
  sweep: ({ body }, { coordinator }) => {
    const { template, params, mode, dry_run, name, ...shared } = body;
    if (dry_run) {
      // Expand only the preview so a dry run of a huge sweep stays cheap.
      const head = expandSweep(template, params, mode, PREVIEW);
      return { count: countSweep(params, mode), jobs: [], preview: head.map((point) => point.argv), sweep_id: null };
    }
    const points = expandSweep(template, params, mode);
    const base = name ?? template[0];
    const specs: JobSubmitInput[] = points.map((point) => ({ ...shared, name: sweepJobName(base, point.params), command: point.argv, params: point.params }));
    const record = { project: shared.project ?? 'default', name: base, template, param_names: Object.keys(params), mode };
    const { sweep_id, jobs } = coordinator.sweeps.submit(record, specs);
    return { count: jobs.length, jobs, preview: points.slice(0, PREVIEW).map((point) => point.argv), sweep_id };
  },
};

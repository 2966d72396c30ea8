import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { formatCommand, JobListQuery, JobSubmit, SweepRequest, type Explanation, type GantryClient, type Job } from '../../shared';
import { guarded, toolResult } from '../toolResult';

/** A job id, as the route table's job schema has it. */
export const JobIdInput = z.strictObject({ id: z.number().int().positive().describe('the job id') });

/**
 * The SDK hands a tool its input with the schema's defaults filled in; project is left open so
 * the coordinator picks it (`default`, or the project a limited token is for).
 */
const SubmitJobInput = JobSubmit.extend({ project: JobSubmit.shape.project.unwrap().optional() });
const SubmitSweepInput = SweepRequest.extend({ project: SweepRequest.shape.project.unwrap().optional() });

/** Listing filters and paging as GET /api/v1/jobs takes them; `ids` is left out because its comma-list form has no JSON schema. */
const ListJobsInput = JobListQuery.omit({ ids: true });

/** A line a model can quote back: id, state, name, command, where it runs. */
export function jobLine(job: Job): string {
  const where = job.worker_id ? ` on ${job.worker_id}` : '';
  const exit = job.exit_code !== null ? ` exit ${job.exit_code}` : '';
  return `#${job.id} ${job.state}${exit}${where}: ${job.name} (${formatCommand(job.command)})`;
}

export function registerJobTools(server: McpServer, client: GantryClient): void {
  server.registerTool(
    'submit_job',
    { title: 'Submit a job', description: 'Queue one command on Gantry. command is an argv array (exec, no shell) or {"shell": "..."} for sh -c. Returns the created job.', inputSchema: SubmitJobInput },
    (input) => guarded(async () => {
      const job = await client.call('submitJob', { body: input });
      return toolResult(`queued ${jobLine(job)}`, { job });
    }),
  );

  server.registerTool(
    'submit_sweep',
    {
      title: 'Submit a parameter sweep',
      description: 'Queue one job per combination of parameter values: template is an argv array whose {name} placeholders are replaced by the values in params (grid: every combination, zip: i-th values together). With dry_run true, nothing is queued and the count and the first commands are returned: preview before submitting a large sweep.',
      inputSchema: SubmitSweepInput,
    },
    (input) => guarded(async () => {
      const result = await client.call('sweep', { body: input });
      const preview = result.preview.map((argv) => formatCommand(argv));
      if (input.dry_run) return toolResult(`dry run: ${result.count} jobs would be queued, e.g.\n${preview.join('\n')}`, { count: result.count, preview: result.preview });
      const ids = result.jobs.map((job) => job.id);
      return toolResult(`queued ${result.count} jobs: ${ids.join(', ')}`, { count: result.count, job_ids: ids, preview: result.preview });
    }),
  );

  server.registerTool(
    'list_jobs',
    { title: 'List jobs', description: 'Jobs newest first, filtered by project, state, tag or text; pass next_cursor back as cursor for the next page.', inputSchema: ListJobsInput, annotations: { readOnlyHint: true } },
    (input) => guarded(async () => {
      const page = await client.call('listJobs', { query: input });
      const text = page.jobs.length ? page.jobs.map(jobLine).join('\n') : 'no jobs match';
      return toolResult(page.next_cursor ? `${text}\n(more: cursor ${page.next_cursor})` : text, page);
    }),
  );

  server.registerTool(
    'get_job',
    { title: 'Get a job', description: 'One job with its state, command, requirements, attempts and exit code.', inputSchema: JobIdInput, annotations: { readOnlyHint: true } },
    ({ id }) => guarded(async () => {
      const [job, attempts] = await Promise.all([client.call('getJob', { params: { id } }), client.call('listAttempts', { params: { id } })]);
      const error = job.error ? `\nerror: ${job.error}` : '';
      return toolResult(`${jobLine(job)}\nattempts: ${attempts.length}${error}`, { job, attempts });
    }),
  );

  server.registerTool(
    'why_not_running',
    { title: 'Why is a job not running', description: 'For a waiting or queued job: what it waits for (dependencies, a retry delay, workers with room, requirements no worker meets).', inputSchema: JobIdInput, annotations: { readOnlyHint: true } },
    ({ id }) => guarded(async () => {
      const explanation = await client.call('explainJob', { params: { id } });
      return toolResult(explanationText(explanation), { explanation });
    }),
  );

  server.registerTool(
    'cancel_job',
    { title: 'Cancel a job', description: 'Cancel a waiting, queued or running job (a running one is signalled); its dependents become blocked. Needs an admin token.', inputSchema: JobIdInput, annotations: { destructiveHint: true, idempotentHint: true } },
    ({ id }) => guarded(async () => {
      const job = await client.call('cancelJob', { params: { id } });
      return toolResult(`cancelled ${jobLine(job)}`, { job });
    }),
  );
}

function explanationText(explanation: Explanation): string {
  return [`#${explanation.job_id} ${explanation.state}: ${explanation.summary}`, ...explanation.reasons.map((reason) => `- ${reason.message}`)].join('\n');
}

import { ApiError, type GantryClient } from '../shared';
import { printLine, type CliContext } from './context';

/**
 * Runs a submit; if it names a project that does not exist yet, creates the project and submits once more.
 * Typing `--project vision` should be enough to start one, as with a new folder; the API keeps projects explicit.
 */
export async function submitCreatingProject<T>(client: GantryClient, project: string | undefined, context: CliContext, submit: () => Promise<T>): Promise<T> {
  try {
    return await submit();
  } catch (error) {
    if (!project || !(error instanceof ApiError) || error.code !== 'not_found' || !error.field?.endsWith('project')) throw error;
    await client.call('createProject', { body: { name: project } });
    printLine(context.stderr, `created project ${project}`);
    return submit();
  }
}

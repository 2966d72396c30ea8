import { PREEMPTION_DEFAULTS, type Project } from '../../shared';
import { renderTable } from './table';

/** "preemptible, SIGUSR1, grace 30 s, min 60 s"; values the project leaves to the built-in default are marked with *. */
function preemptionText(project: Project): string {
  const p = project.preemption ?? { preemptible: null, checkpoint_signal: null, grace_s: null, min_runtime_s: null };
  const mark = (value: unknown) => (value === null ? '*' : '');
  const preemptible = p.preemptible ?? PREEMPTION_DEFAULTS.preemptible;
  return [
    `${preemptible ? 'preemptible' : 'not preemptible'}${mark(p.preemptible)}`,
    `${p.checkpoint_signal ?? PREEMPTION_DEFAULTS.checkpoint_signal}${mark(p.checkpoint_signal)}`,
    `grace ${p.grace_s ?? PREEMPTION_DEFAULTS.grace_s} s${mark(p.grace_s)}`,
    `min runtime ${p.min_runtime_s ?? PREEMPTION_DEFAULTS.min_runtime_s} s${mark(p.min_runtime_s)}`,
  ].join(', ');
}

export function formatProjectTable(projects: Project[]): string {
  return `${renderTable(projects, [
    { header: 'NAME', value: (p) => p.name, maxWidth: 40 },
    { header: 'PREEMPTIONS', value: (p) => String(p.preemptions ?? 0), align: 'right' },
    { header: 'JOB DEFAULTS', value: preemptionText },
    { header: 'DESCRIPTION', value: (p) => p.description, maxWidth: 50 },
  ])}\n* built-in default`;
}

export function formatProject(project: Project): string {
  return `${project.name}: ${preemptionText(project)} (* built-in default); ${project.preemptions ?? 0} preemption(s) so far`;
}

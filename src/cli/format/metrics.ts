import { renderTable } from './table';

export interface MetricRowView {
  attempt: number;
  step: number | null;
  name: string;
  value: number;
}

/** One row per point, in the order recorded; `--last` keeps the latest point of each name. */
export function formatMetricTable(rows: readonly MetricRowView[]): string {
  if (rows.length === 0) return 'no metrics';
  return renderTable(rows, [
    { header: 'ATTEMPT', value: (r) => String(r.attempt), align: 'right' },
    { header: 'STEP', value: (r) => (r.step === null ? '-' : String(r.step)), align: 'right' },
    { header: 'NAME', value: (r) => r.name, maxWidth: 40 },
    { header: 'VALUE', value: (r) => String(r.value), align: 'right' },
  ]);
}

export function latestPerName<Row extends MetricRowView>(rows: readonly Row[]): Row[] {
  const latest = new Map<string, Row>();
  for (const row of rows) latest.set(row.name, row);
  return [...latest.values()];
}

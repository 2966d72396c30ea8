/**
 * Every benchmark reports through one recorder: each figure is printed as a JSON line the
 * moment it is measured (so a run cut short still leaves its numbers), then all of them again
 * as one summary list at the end, which is what gets pasted into notes and compared run to run.
 */
export interface Figure {
  figure: string;
  value: number | string;
  unit: string;
}

export class FigureLog {
  private readonly figures: Figure[] = [];

  record(figure: string, value: number | string, unit: string): void {
    const line: Figure = { figure, value: typeof value === 'number' ? round(value) : value, unit };
    this.figures.push(line);
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }

  /** `numerator / denominator` as a ratio figure; skipped when either side was not measured. */
  ratio(figure: string, numerator: number | undefined, denominator: number | undefined): void {
    if (numerator === undefined || denominator === undefined || denominator <= 0) return;
    this.record(figure, numerator / denominator, 'ratio');
  }

  /** Every figure recorded so far, in order. */
  all(): readonly Figure[] {
    return this.figures;
  }

  printSummary(): void {
    process.stdout.write(`${JSON.stringify(this.figures)}\n`);
  }
}

/** Three significant decimals are plenty for figures that vary by percents between runs. */
function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 1 ? 2 : 4;
  return Number(value.toFixed(digits));
}

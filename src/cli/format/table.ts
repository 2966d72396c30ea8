import { displayWidth, escapeControl, padToWidth, truncateToWidth } from './terminalText';

export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  /** Numbers read better right-aligned. */
  align?: 'left' | 'right';
  /** Longer cells are cut with an ellipsis so one long name does not push every row off screen. */
  maxWidth?: number;
}

function fit(text: string, maxWidth: number | undefined): string {
  const safe = escapeControl(text);
  return maxWidth === undefined ? safe : truncateToWidth(safe, maxWidth);
}

/**
 * Renders rows as aligned columns separated by two spaces, with a header line; no trailing blanks.
 * Cells are escaped (no control characters reach the terminal) and measured in terminal columns,
 * so CJK names keep the columns after them aligned.
 */
export function renderTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells = rows.map((row) => columns.map((column) => fit(column.value(row), column.maxWidth)));
  const widths = columns.map((column, i) => Math.max(displayWidth(column.header), ...cells.map((line) => displayWidth(line[i]))));
  const render = (line: string[]): string =>
    line
      .map((cell, i) => padToWidth(cell, widths[i], columns[i].align))
      .join('  ')
      .trimEnd();
  return [render(columns.map((column) => column.header)), ...cells.map(render)].join('\n');
}

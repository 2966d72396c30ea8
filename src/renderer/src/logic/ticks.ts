/** Axis ticks at round values: multiples of 1, 2 or 5 × 10^k for numbers, of whole clock units for times. */

const TIME_STEPS_MS = [1, 2, 5, 10, 15, 30].map((s) => s * 1000)
  .concat([1, 2, 5, 10, 15, 30].map((m) => m * 60_000))
  .concat([1, 2, 3, 6, 12, 24].map((h) => h * 3_600_000));

/** The smallest of 1, 2, 5 × 10^k that splits `span` into at most `target` parts (at least `minStep`). */
export function niceStep(span: number, target = 5, minStep = 0): number {
  if (!(span > 0)) return Math.max(minStep, 1);
  const raw = span / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  return Math.max(step, minStep);
}

function multiplesWithin(min: number, max: number, step: number): number[] {
  const ticks: number[] = [];
  for (let k = Math.ceil(min / step); k * step <= max + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** Round ticks between min and max; `integers` keeps the step whole (training steps, counts). */
export function roundTicks(min: number, max: number, target = 5, integers = false): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  return multiplesWithin(min, max, niceStep(max - min, target, integers ? 1 : 0));
}

/** Ticks for a time axis (epoch ms) on whole seconds, minutes or hours of the local clock. */
export function timeTicks(minMs: number, maxMs: number, target = 5): number[] {
  if (!Number.isFinite(minMs) || !Number.isFinite(maxMs) || maxMs <= minMs) return Number.isFinite(minMs) ? [minMs] : [];
  const step = TIME_STEPS_MS.find((s) => (maxMs - minMs) / s <= target) ?? TIME_STEPS_MS[TIME_STEPS_MS.length - 1];
  // Align to the local clock, so 10-minute ticks fall on :00, :10, … in any time zone.
  const offset = new Date(minMs).getTimezoneOffset() * 60_000;
  return multiplesWithin(minMs - offset, maxMs - offset, step).map((t) => t + offset);
}

/** A tick label: three significant digits at most, no float noise (0.30000000000000004), 12k for 12,000. */
export function formatTickValue(value: number): string {
  if (!Number.isFinite(value)) return '';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (abs >= 1e4) return `${Number((value / 1e3).toPrecision(3))}k`;
  return String(Number(value.toPrecision(3)));
}

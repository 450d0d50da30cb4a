// The y axis of the dashboard's small charts: a top that is a whole step, and ticks on steps the
// labels can show. uPlot's own ticks for a 0–1.15 range are 0, 0.2, 0.4…, which a whole-number
// label printed as "0, 0, 0, 1, 1, 1": here the step is never finer than the labels' decimals.

/** Ticks wanted on a 150 px chart: enough to read, few enough to stay apart. */
const ticksWanted = 4;

/** The step between ticks for 0..top: 1, 2 or 5 times a power of ten, never below 10^-decimals. */
export function tickStep(top: number, decimals: number): number {
  const finest = 10 ** -decimals;
  const raw = Math.max(top / ticksWanted, finest);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * power;
  return Math.max(step, finest);
}

/** The scale's top for data up to `max`: some headroom, rounded up to a whole step (at least one). */
export function axisTop(max: number, decimals: number): number {
  const wanted = Math.max(max * 1.15, 10 ** -decimals);
  const step = tickStep(wanted, decimals);
  return roundTo(Math.ceil(wanted / step - 1e-9) * step, decimals);
}

/** Tick values from 0 to `top`, one step apart. */
export function axisTicks(top: number, decimals: number): number[] {
  const step = tickStep(top, decimals);
  const ticks: number[] = [];
  for (let i = 0; i * step <= top * (1 + 1e-9); i++) ticks.push(roundTo(i * step, decimals));
  return ticks;
}

/** A tick's label: the value with the series' decimals. */
export function tickLabel(value: number, decimals: number): string {
  return value.toFixed(decimals);
}

function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

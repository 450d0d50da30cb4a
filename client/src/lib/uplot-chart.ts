// A uPlot chart on an element, as a Svelte action the chart components share (`use:uplotChart`).
// uPlot draws at a width in pixels, so the chart follows its box's width (a ResizeObserver), never
// narrower than it can still be read at; new data is drawn in place; the chart goes with the
// element. uPlot can't change its series or scales once made: new options make a new chart.
// Imported by the chart components only, which load with their pages: uPlot stays out of the fan
// bundle.
import { untrack } from "svelte";
import type { Action } from "svelte/action";
import uPlot from "uplot";

export interface UplotChartParams {
  /** The chart's options at a width. The same function keeps the chart and draws `data` in it; another makes a new chart. */
  options: (width: number) => uPlot.Options;
  data: uPlot.AlignedData;
  /** The narrowest the chart is drawn, whatever its box's width. */
  minWidth: number;
}

export const uplotChart: Action<HTMLElement, UplotChartParams> = (node, initial) => {
  let params = initial;
  const width = (): number => Math.max(params.minWidth, node.clientWidth);
  let chart = new uPlot(params.options(width()), params.data, node);
  const resize = new ResizeObserver(() => chart.setSize({ width: width(), height: chart.height }));
  resize.observe(node);
  return {
    update(next) {
      const rebuild = next.options !== params.options;
      params = next;
      // Svelte calls this inside an effect: what the options read must not become its dependencies.
      untrack(() => {
        if (!rebuild) return chart.setData(next.data);
        chart.destroy();
        chart = new uPlot(next.options(width()), next.data, node);
      });
    },
    destroy() {
      resize.disconnect();
      chart.destroy();
    },
  };
};

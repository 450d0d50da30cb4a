// State of the /bench page: the recorded runs (GET /api/bench/results) grouped per benchmark, which
// run each benchmark's table shows — the latest unless an older one was picked — and each
// benchmark's before → after against its baseline.
import type { Api } from "./api.js";
import * as endpoints from "./endpoints.js";
import { compareScenario, usableBaselines, type ScenarioComparison } from "./bench-compare.js";
import { groupRuns, type BenchGroup } from "./bench-runs.js";
import type { BenchRun, BenchRunList } from "./bench-views.js";
import { Loader } from "./loader.svelte.js";

type Get = Pick<Api, "get">;

export class BenchResults {
  #loader: Loader<BenchRunList>;
  state = $derived.by(() => this.#loader.state);
  groups = $derived.by(() => groupRuns(this.#loader.data?.runs ?? []));
  /** Benchmark name → its baseline, as far as the answer holds usable ones. */
  baselines = $derived.by(() => usableBaselines(this.#loader.data?.baselines));
  /** Loaded, and not a single run recorded. */
  empty = $derived.by(() => this.#loader.data !== null && this.#loader.data.runs.length === 0);
  /** Benchmark name → the file picked in its select; replaced whole. */
  #picked = $state.raw<Readonly<Record<string, string>>>({});

  constructor(api: Get) {
    this.#loader = new Loader((signal) => api.get(endpoints.benchResults(), { signal }));
  }

  load(): Promise<void> {
    return this.#loader.load();
  }

  cancel(): void {
    this.#loader.cancel();
  }

  /** Shows `file` in the benchmark's table; a file that is not one of its runs is ignored. */
  pick(name: string, file: string): void {
    const group = this.groups.find((g) => g.name === name);
    if (!group?.runs.some((run) => run.file === file)) return;
    this.#picked = { ...this.#picked, [name]: file };
  }

  /** The benchmark's before → after, or null when it has nothing to compare. */
  comparison(group: BenchGroup): ScenarioComparison | null {
    return compareScenario(group, this.baselines[group.name]);
  }

  /** The run the benchmark's table shows: the picked one while it is still listed, else the latest. */
  shown(group: BenchGroup): BenchRun | null {
    const file = this.#picked[group.name];
    return group.runs.find((run) => run.file === file) ?? group.runs[0] ?? null;
  }
}

// State of the /bench page: the recorded runs (GET /api/bench/results) grouped per benchmark, and
// which run each benchmark's table shows — the latest unless an older one was picked.
import type { Api } from "./api.js";
import { groupRuns, type BenchGroup } from "./bench-runs.js";
import type { BenchRun, BenchRunList } from "./bench-views.js";
import { Loader } from "./loader.svelte.js";

type Get = Pick<Api, "get">;

export class BenchResults {
  #loader: Loader<BenchRun[]>;
  state = $derived.by(() => this.#loader.state);
  groups = $derived.by(() => groupRuns(this.#loader.data ?? []));
  /** Loaded, and not a single run recorded. */
  empty = $derived.by(() => this.#loader.data !== null && this.#loader.data.length === 0);
  /** Benchmark name → the file picked in its select; replaced whole. */
  #picked = $state.raw<Readonly<Record<string, string>>>({});

  constructor(api: Get) {
    this.#loader = new Loader(async (signal) => {
      const result = await api.get<BenchRunList>("/api/bench/results", { signal });
      return result.ok ? { ok: true, data: result.data.runs } : result;
    });
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

  /** The run the benchmark's table shows: the picked one while it is still listed, else the latest. */
  shown(group: BenchGroup): BenchRun | null {
    const file = this.#picked[group.name];
    return group.runs.find((run) => run.file === file) ?? group.runs[0] ?? null;
  }
}

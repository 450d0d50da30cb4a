// Reads recorded benchmark runs from one directory (BENCH_RESULTS_DIR), asynchronously. Each
// file's summary is cached by its modification time and size, so a listing stats every file but
// only reads the new or changed ones, and a malformed file is warned about once per change, not
// on every request. Only regular files with a result-shaped name, and baselines.json, are ever opened.
import type { Dirent } from "node:fs";
import { lstat, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { assert } from "@stampede/shared/assert";
import type { Logger } from "../../logger.js";
import type { BenchBaselines, BenchRunSummary } from "@stampede/shared/api/bench";
import { benchBaselinesFile, parseBaselines } from "./baselines.js";
import { isBenchFileName } from "./file-name.js";
import { newestFirst, summarize } from "./result-schema.js";

/** Files listed at most (the newest by name): a result is written per run, a few hundred a year. */
export const benchResultFilesMax = 1_000;
/** A result file is a few KB; anything this big is not one and is not read into memory. */
export const benchResultBytesMax = 1_048_576;
/** Files read at once while listing: bounded so a full directory never takes every descriptor. */
export const benchFileReadsInFlightMax = 16;

interface Cached {
  mtimeMs: number;
  size: number;
  summary: BenchRunSummary | null;
}

type Parsed = { ok: true; json: unknown } | { ok: false; reason: string };

function errorCode(err: unknown): string | undefined {
  return (err as { code?: string }).code;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export class BenchResultsStore {
  readonly #cache = new Map<string, Cached>();
  #baselinesCache: { mtimeMs: number; size: number; baselines: BenchBaselines } | null = null;

  constructor(
    readonly dir: string,
    private readonly logger: Logger,
  ) {}

  /** Every readable run, newest first. A missing directory is "nothing recorded yet". */
  async list(): Promise<BenchRunSummary[]> {
    const names = await this.#fileNames();
    const summaries = await mapLimit(names, benchFileReadsInFlightMax, (name) => this.#summary(name));
    const listed = new Set(names);
    for (const name of this.#cache.keys()) if (!listed.has(name)) this.#cache.delete(name);
    return summaries.filter((s): s is BenchRunSummary => s !== null).sort(newestFirst);
  }

  /** One whole file as recorded (config and extra included); null when there is no such readable result. */
  async read(file: string): Promise<unknown> {
    assert(isBenchFileName(file), `the route validates the file name: ${file}`);
    if (!(await this.#fileNames()).includes(file)) return null;
    const size = await this.#size(file);
    if (size === null) return null;
    const parsed = await this.#parse(file, size);
    return parsed.ok && summarize(file, parsed.json).ok ? parsed.json : null;
  }

  /** The baselines in baselines.json: none when it is missing, and none (warned about once per
   * change, like a malformed result) when it is malformed — the runs are listed either way. */
  async baselines(): Promise<BenchBaselines> {
    const info = await this.#stat(benchBaselinesFile);
    if (info === null) {
      this.#baselinesCache = null;
      return {};
    }
    const cached = this.#baselinesCache;
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.baselines;
    const parsed = await this.#parse(benchBaselinesFile, info.size);
    const outcome = parsed.ok ? parseBaselines(parsed.json) : parsed;
    if (!outcome.ok) {
      const fields = { file: benchBaselinesFile, dir: this.dir, reason: outcome.reason };
      this.logger.warn(fields, "benchmark baselines ignored: not a readable baselines file");
    }
    const baselines = outcome.ok ? outcome.baselines : {};
    this.#baselinesCache = { ...info, baselines };
    return baselines;
  }

  async #fileNames(): Promise<string[]> {
    let entries: Dirent[];
    try {
      entries = await readdir(this.dir, { withFileTypes: true });
    } catch (err) {
      if (errorCode(err) === "ENOENT") return [];
      throw err;
    }
    const names = entries.filter((e) => e.isFile() && isBenchFileName(e.name)).map((e) => e.name);
    return names.sort().reverse().slice(0, benchResultFilesMax);
  }

  async #summary(file: string): Promise<BenchRunSummary | null> {
    const info = await this.#stat(file);
    if (info === null) return null;
    const cached = this.#cache.get(file);
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.summary;
    const parsed = await this.#parse(file, info.size);
    const outcome = parsed.ok ? summarize(file, parsed.json) : parsed;
    if (!outcome.ok) this.#skip(file, outcome.reason);
    const summary = outcome.ok ? outcome.summary : null;
    this.#cache.set(file, { mtimeMs: info.mtimeMs, size: info.size, summary });
    return summary;
  }

  /** Null when the file is gone (removed since the directory was read) or is not a regular file:
   * a symlink could point anywhere. */
  async #stat(file: string): Promise<{ mtimeMs: number; size: number } | null> {
    try {
      const info = await lstat(path.join(this.dir, file));
      return info.isFile() ? { mtimeMs: info.mtimeMs, size: info.size } : null;
    } catch (err) {
      if (errorCode(err) === "ENOENT") return null;
      throw err;
    }
  }

  async #size(file: string): Promise<number | null> {
    return (await this.#stat(file))?.size ?? null;
  }

  async #parse(file: string, size: number): Promise<Parsed> {
    if (size > benchResultBytesMax) return { ok: false, reason: `larger than ${benchResultBytesMax} bytes` };
    let text: string;
    try {
      text = await readFile(path.join(this.dir, file), "utf8");
    } catch (err) {
      if (errorCode(err) === "ENOENT") return { ok: false, reason: "removed while being read" };
      throw err;
    }
    try {
      return { ok: true, json: JSON.parse(text) as unknown };
    } catch (err) {
      return { ok: false, reason: `not JSON: ${(err as Error).message}` };
    }
  }

  #skip(file: string, reason: string): void {
    this.logger.warn({ file, dir: this.dir, reason }, "benchmark result skipped: not a readable result file");
  }
}

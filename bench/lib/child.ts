// Load generators run in their own processes. The parent forks a generator script with a config;
// the generator prepares (sessions, admissions, sockets), says "ready", waits for "go", runs its
// bounded timed phase, sends its result and exits. Every generator also exits by itself after
// `deadlineSeconds`, so a stuck parent never leaves load running.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface GeneratorConfig {
  /** Hard stop for the whole generator process (prepare + run). */
  deadlineSeconds: number;
  [k: string]: unknown;
}

export interface RunningGenerator<R> {
  child: ChildProcess;
  ready: Promise<Record<string, unknown>>;
  go(): void;
  result: Promise<R>;
}

const generatorPaths = {
  http: fileURLToPath(new URL("../gen/http.ts", import.meta.url)),
  socket: fileURLToPath(new URL("../gen/socket.ts", import.meta.url)),
  flash: fileURLToPath(new URL("../gen/flash.ts", import.meta.url)),
} as const;

/** Forks a generator (`ulimit -n` raised through a shell so thousands of sockets fit). */
export function forkGenerator<R>(
  kind: keyof typeof generatorPaths,
  config: GeneratorConfig,
  fdsMax = 65_536,
): RunningGenerator<R> {
  const cmd = `ulimit -n ${fdsMax} 2>/dev/null || true; exec "${process.execPath}" --import tsx "${generatorPaths[kind]}"`;
  const child = spawn("sh", ["-c", cmd], { stdio: ["ignore", "inherit", "inherit", "ipc"], serialization: "advanced" });
  let onReady: (v: Record<string, unknown>) => void = () => {};
  let onResult: (v: R) => void = () => {};
  let onFail: (e: Error) => void = () => {};
  const ready = new Promise<Record<string, unknown>>((res, rej) => ((onReady = res), (onFail = rej)));
  const result = new Promise<R>((res, rej) => {
    onResult = res;
    const prev = onFail;
    onFail = (e) => (prev(e), rej(e));
  });
  ready.catch(() => {}); // the result promise reports the same failure
  result.catch(() => {}); // awaited by the caller; when a sibling failed first, this one's SIGKILL is no news
  child.on("message", (m: { type: string; info?: Record<string, unknown>; result?: R; error?: string }) => {
    if (m.type === "ready") onReady(m.info ?? {});
    else if (m.type === "result") onResult(m.result as R);
    else if (m.type === "error") onFail(new Error(`generator ${kind}: ${m.error}`));
  });
  child.once("exit", (code, signal) =>
    onFail(new Error(`generator ${kind} exited (${code ?? signal}) before its result`)),
  );
  child.send(config);
  return { child, ready, go: () => child.send({ type: "go" }), result };
}

/** Generator side: runs prepare → ready → (go) → run → result → exit, within the deadline. */
export function generatorMain<C extends GeneratorConfig, P>(
  prepare: (c: C) => Promise<{ state: P; info?: Record<string, unknown> }>,
  run: (c: C, state: P) => Promise<unknown>,
): void {
  process.once("message", (config: C) => {
    const deadline = setTimeout(() => {
      process.send?.({ type: "error", error: `deadline of ${config.deadlineSeconds} s reached` });
      setTimeout(() => process.exit(3), 200);
    }, config.deadlineSeconds * 1_000);
    deadline.unref();
    void (async () => {
      try {
        const { state, info } = await prepare(config);
        const go = new Promise<void>((res) =>
          process.on("message", (m: { type?: string }) => m.type === "go" && res()),
        );
        process.send?.({ type: "ready", info });
        await go;
        const result = await run(config, state);
        process.send?.({ type: "result", result }, () => process.exit(0));
      } catch (e) {
        process.send?.({ type: "error", error: e instanceof Error ? (e.stack ?? e.message) : String(e) }, () =>
          process.exit(1),
        );
      }
    })();
  });
}

/** Forks n generators with per-index configs, waits until all are ready, starts them together. */
export async function runGenerators<R>(
  kind: keyof typeof generatorPaths,
  configs: GeneratorConfig[],
  onReady?: () => Promise<void>,
): Promise<{ results: R[]; readyInfo: Array<Record<string, unknown>>; startedAtMs: number }> {
  const gens = configs.map((c) => forkGenerator<R>(kind, c));
  try {
    const readyInfo = await Promise.all(gens.map((g) => g.ready));
    if (onReady) await onReady();
    const startedAtMs = Date.now();
    for (const g of gens) g.go();
    return { results: await Promise.all(gens.map((g) => g.result)), readyInfo, startedAtMs };
  } finally {
    for (const g of gens) if (g.child.exitCode === null && g.child.signalCode === null) g.child.kill("SIGKILL");
  }
}

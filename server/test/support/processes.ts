// Starts real server/workers processes for end-to-end tests (the same entry points as
// `npm run start:server` / `start:workers`), on port 0, isolated by database and Redis prefix.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

export interface RunningServer extends RunningProcess {
  port: number;
  url: string;
  /** The node id it holds ticker leases under. */
  nodeId: string;
}

const entryFiles = {
  server: "server/src/main.ts",
  workers: "workers/src/main.ts",
  mockpay: "server/src/mockpay/main.ts",
} as const;

export function startProcess(entry: keyof typeof entryFiles, env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, ["--import", "tsx", entryFiles[entry]], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Waits for a started process's line matching `listening` (or its exit). */
async function untilListening(
  proc: RunningProcess,
  what: string,
  listening: RegExp,
  timeoutMs: number,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = listening.exec(proc.output());
    if (match) return match;
    if (proc.child.exitCode !== null) throw new Error(`${what} exited during start:\n${proc.output()}`);
    if (Date.now() > deadline) {
      proc.child.kill("SIGKILL");
      throw new Error(`${what} did not start within ${timeoutMs} ms:\n${proc.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** MockPay in its own process (`npm run start:mockpay`), on port 0 unless MOCKPAY_PORT is given. */
export async function startMockPayProcess(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<RunningProcess & { url: string }> {
  const proc = startProcess("mockpay", { MOCKPAY_PORT: "0", ...env });
  const match = await untilListening(proc, "mockpay", /mockpay listening on http:\/\/[^:]+:(\d+)/, timeoutMs);
  return { ...proc, url: `http://127.0.0.1:${match[1]}` };
}

/** Starts a server process and waits for its "listening" line (or its exit). */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<RunningServer> {
  const proc = startProcess("server", { PORT: "0", ...env });
  const match = await untilListening(
    proc,
    "server",
    /listening on http:\/\/[^:]+:(\d+) \(node ([0-9a-f-]+)\)/,
    timeoutMs,
  );
  const port = Number(match[1]);
  return { ...proc, port, url: `http://127.0.0.1:${port}`, nodeId: match[2]! };
}

// Runs one of the command-line tools (server/src/cli/*.ts; the chaos run, a test tool, in
// support/chaos/cli.ts) as `npm run …` does, collecting its output.
import { spawn, type ChildProcess } from "node:child_process";
import { repoRoot } from "./support/processes.js";

export interface CliRun {
  code: number | null;
  output: string;
}

export interface RunningCli {
  child: ChildProcess;
  output(): string;
  /** Resolves once it has exited (killed after the timeout). */
  done: Promise<CliRun>;
}

const cliPath = (script: string): string =>
  script === "chaos" ? "server/test/support/chaos/cli.ts" : `server/src/cli/${script}.ts`;

export function startCli(script: string, args: string[], timeoutMs = 120_000): RunningCli {
  const child = spawn(process.execPath, ["--import", "tsx", cliPath(script), ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const done = new Promise<CliRun>((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
  return { child, output: () => output, done };
}

export function runCli(script: string, args: string[], timeoutMs = 120_000): Promise<CliRun> {
  return startCli(script, args, timeoutMs).done;
}

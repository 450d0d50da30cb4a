// Runs one of the command-line tools (server/src/cli/*.ts) as `npm run …` does, collecting its output.
import { spawn } from "node:child_process";
import { repoRoot } from "../src/testing/processes.js";

export interface CliRun {
  code: number | null;
  output: string;
}

export function runCli(script: string, args: string[], timeoutMs = 120_000): Promise<CliRun> {
  const child = spawn(process.execPath, ["--import", "tsx", `server/src/cli/${script}.ts`, ...args], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

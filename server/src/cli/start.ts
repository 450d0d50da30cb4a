// `npm start`: checks the services, builds the client if it is missing or stale, seeds the demo
// event when there are no events, then runs one server and one workers process and prints where
// to go. Ctrl-C stops both.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPool } from "../adapters/postgres/pool.js";
import { createConfiguredLedger, prepareServices, StartupError } from "../bootstrap.js";
import type { Config } from "../config.js";
import { runMain } from "../run-main.js";
import { seedDemoIfEmpty } from "./seed.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const readyTimeoutMs = 60_000;

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), st.mtimeMs);
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: "inherit" });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new StartupError(`${cmd} ${args.join(" ")} failed (exit ${code}); see its output above`))));
  });
}

async function buildClientIfNeeded(): Promise<void> {
  const built = join(root, "client/dist/index.html");
  const sources = ["client/src", "client/index.html", "client/vite.config.ts", "shared/src"].map((p) => join(root, p));
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  console.log("==> building the web client (client/dist)…");
  await run("npm", ["run", "build", "--workspace", "client", "--silent"]);
}

function startProcess(name: string, entry: string): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", join(root, entry)], { cwd: root, stdio: "inherit", env: process.env });
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new StartupError("the server process exited during start-up; see its output above");
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new StartupError(`the server did not become ready within ${readyTimeoutMs / 1000} s`);
}

async function start(config: Config): Promise<void> {
  await prepareServices(config);
  await buildClientIfNeeded();
  const pool = createPool(config.databaseUrl);
  const ledger =
createConfiguredLedger(config);
  const seeded = await seedDemoIfEmpty(pool, ledger).finally(() => Promise.all([pool.end(), ledger.close()]));

  const children = [startProcess("server", "server/src/main.ts"), startProcess("workers", "workers/src/main.ts")];
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
    Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once("exit", r))))).then(() => process.exit(code));
  };
  for (const c of children) c.on("exit", (code) => stop(code === 0 || stopping ? (code ?? 0) : 1));
  process.on("SIGINT", () => stop(0));
  process.on("SIGTERM", () => stop(0));

  await waitReady(config.publicUrl, children[0] as ChildProcess);
  const lines = [
    "",
    `  Stampede is running at ${config.publicUrl}`,
    seeded ? `  Demo event created: ${config.publicUrl}/events/${seeded}` : "  Events: existing events kept (no demo seeded)",
    `  Admin: ${config.publicUrl}/admin   user "${config.admin.username}"${config.devDefaultsUsed.includes("ADMIN_PASSWORD") ? `, password "${config.admin.password}" (development default)` : " (password from ADMIN_PASSWORD)"}`,
    `  API docs: ${config.publicUrl}/api/docs    Ctrl-C stops everything.`,
    "",
  ];
  console.log(lines.join("\n"));
}

await runMain(start);

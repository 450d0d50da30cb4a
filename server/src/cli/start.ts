// `npm start`: checks the services, builds the client if it is missing or stale, seeds the demo
// event when there are no events, then runs one server and one workers process and prints where
// to go. Ctrl-C stops both; a child that dies on its own is restarted (with backoff).
//
// Output is kept short: the client build runs at --logLevel warn, the development-defaults banner
// is printed once here (not by each child), and requests are logged at debug level.
// The children run in their own process group: a Ctrl-C in the terminal reaches this process
// only, which forwards exactly one signal to each child (the terminal's group signal plus a
// forwarded one would be a "second signal", which means "exit now" to a child).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPool } from "../adapters/postgres/pool.js";
import { createConfiguredLedger, prepareServices, StartupError } from "../bootstrap.js";
import { devDefaultsBanner, type Config } from "../config.js";
import { runMain } from "../run-main.js";
import { restartBackoffBaseMs, restartBackoffMaxMs, restartStableRunMs } from "@stampede/shared/limits";
import { seedDemoIfEmpty } from "./seed.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const readyTimeoutMs = 60_000;
/** Stop signals this close to the one forwarded are copies of it (relayed by npm / tsx). */
const repeatedSignalMs = 2_000;

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), st.mtimeMs);
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: "inherit" });
    child.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new StartupError(`${cmd} ${args.join(" ")} failed (exit ${code}); see its output above`)),
    );
  });
}

async function buildClientIfNeeded(): Promise<void> {
  const built = join(root, "client/dist/index.html");
  const sources = ["client/src", "client/index.html", "client/vite.config.ts", "shared/src"].map((p) => join(root, p));
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  const started = Date.now();
  process.stdout.write("Building the web client (client/dist)… ");
  await run("npm", ["run", "build", "--workspace", "client", "--silent", "--", "--logLevel", "warn"]);
  console.log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
}

function startProcess(entry: string): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", join(root, entry)], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, DEV_DEFAULTS_BANNER: "off" },
    detached: true,
  });
}

interface Supervised {
  name: string;
  entry: string;
  child: ChildProcess;
}

/** Forwards a stop signal to the children (relayed copies count once) and exits when all have
 * ended, 0 if all stopped cleanly. A child that dies on its own is started again after a backoff
 * (doubling while it keeps dying soon after starting): a crash must not leave the site down. */
function superviseChildren(children: Supervised[]): void {
  let stopping = false;
  let lastForwardMs = 0;
  let exitCode = 0;
  const restartTimers = new Set<NodeJS.Timeout>();
  const running = new Set<ChildProcess>();
  const finish = () => {
    if (stopping && running.size === 0 && restartTimers.size === 0) process.exit(exitCode);
  };
  const stop = (signal: NodeJS.Signals) => {
    // npm (and tsx, if run through it) relays the terminal's Ctrl-C here as well: copies close together
    // are one request. A later one (the user pressing again) is forwarded: "exit now".
    if (Date.now() - lastForwardMs < repeatedSignalMs) return;
    lastForwardMs = Date.now();
    stopping = true;
    for (const t of restartTimers) clearTimeout(t);
    restartTimers.clear();
    for (const c of running) c.kill(signal);
    finish();
  };
  const watch = (s: Supervised, backoffMs: number) => {
    const startedAt = Date.now();
    running.add(s.child);
    s.child.once("exit", (code, signal) => {
      running.delete(s.child);
      if (stopping) {
        if (code !== 0) exitCode = 1;
        return finish();
      }
      const delayMs = Date.now() - startedAt >= restartStableRunMs ? restartBackoffBaseMs : backoffMs;
      const how = signal ?? `exit code ${String(code)}`;
      console.error(
        `stampede: the ${s.name} process exited unexpectedly (${how}); restarting it in ${Math.round(delayMs / 1000)} s`,
      );
      const timer = setTimeout(() => {
        restartTimers.delete(timer);
        s.child = startProcess(s.entry);
        watch(s, Math.min(delayMs * 2, restartBackoffMaxMs));
      }, delayMs);
      restartTimers.add(timer);
    });
  };
  for (const s of children) watch(s, restartBackoffBaseMs);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
    process.on(signal, () => stop(signal === "SIGHUP" ? "SIGTERM" : signal));
  // Own process groups do not die with this one: whatever ends it (a failed start included) ends them.
  process.once("exit", () => {
    for (const c of running) c.kill("SIGTERM");
  });
}

async function waitReady(url: string, server: Supervised): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null)
      throw new StartupError("the server process exited during start-up; see its output above");
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new StartupError(`the server did not become ready within ${readyTimeoutMs / 1000} s`);
}

/** The banner's word on the admin password: shown while it is the development default. */
function adminPasswordHint(config: Config): string {
  if (!config.devDefaultsUsed.includes("ADMIN_PASSWORD")) return " (password from ADMIN_PASSWORD)";
  return `, password "${config.admin.password}" (development default)`;
}

async function start(config: Config): Promise<void> {
  await prepareServices(config);
  await buildClientIfNeeded();
  const pool = createPool(config.databaseUrl);
  const ledger = createConfiguredLedger(config);
  const seeded = await seedDemoIfEmpty(pool, ledger).finally(() => Promise.all([pool.end(), ledger.close()]));

  const server: Supervised = { name: "server", entry: "server/src/main.ts", child: startProcess("server/src/main.ts") };
  const workers: Supervised = {
    name: "workers",
    entry: "workers/src/main.ts",
    child: startProcess("workers/src/main.ts"),
  };
  superviseChildren([server, workers]);

  await waitReady(config.publicUrl, server);
  const banner = devDefaultsBanner(config);
  const lines = [
    ...(banner ? ["", banner] : []),
    "",
    `  Stampede is running at ${config.publicUrl}`,
    seeded
      ? `  Demo event created: ${config.publicUrl}/events/${seeded}`
      : "  Events: existing events kept (no demo seeded)",
    `  Admin: ${config.publicUrl}/admin   user "${config.admin.username}"${adminPasswordHint(config)}`,
    `  API docs: ${config.publicUrl}/api/docs    Ctrl-C stops everything.`,
    "",
  ];
  console.log(lines.join("\n"));
}

await runMain(start);

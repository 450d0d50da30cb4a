// `npm start`: checks the services, builds the client if it is missing or stale, seeds the demo
// event when there are no events, then runs one server and one workers process and prints where
// to go. Ctrl-C stops both.
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
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new StartupError(`${cmd} ${args.join(" ")} failed (exit ${code}); see its output above`))));
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

/** Forwards a stop signal to the children (relayed copies count once); exits when both have ended, 0 if both stopped cleanly. */
function superviseChildren(children: ChildProcess[]): void {
  let stopping = false;
  let lastForwardMs = 0;
  let exitCode = 0;
  const stop = (signal: NodeJS.Signals) => {
    // npm (and tsx, if run through it) relays the terminal's Ctrl-C here as well: copies close together
    // are one request. A later one (the user pressing again) is forwarded: "exit now".
    if (Date.now() - lastForwardMs < repeatedSignalMs) return;
    lastForwardMs = Date.now();
    stopping = true;
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
  };
  const ended = children.map((c) => new Promise<void>((resolve) => c.once("exit", () => resolve())));
  for (const c of children) {
    c.once("exit", (code) => {
      if (!stopping) {
        exitCode = 1;
        stop("SIGTERM");
      } else if (code !== 0) exitCode = 1;
    });
  }
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => stop(signal === "SIGHUP" ? "SIGTERM" : signal));
  // Own process groups do not die with this one: whatever ends it (a failed start included) ends them.
  process.once("exit", () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
  });
  void Promise.all(ended).then(() => process.exit(exitCode));
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

  const children = [startProcess("server/src/main.ts"), startProcess("workers/src/main.ts")];
  superviseChildren(children);

  await waitReady(config.publicUrl, children[0] as ChildProcess);
  const banner = devDefaultsBanner(config);
  const lines = [
    ...(banner ? ["", banner] : []),
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

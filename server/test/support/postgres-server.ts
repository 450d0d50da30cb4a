// A throwaway PostgreSQL cluster on a spare port, for tests that stop and restart PostgreSQL
// (never the shared one). initdb into a temporary directory owned by the `postgres` OS user
// (PostgreSQL refuses to run as root), trust authentication, no fsync; pg_ctl stops and starts
// it. Started means accepting connections, not "spawned a while ago".
import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

export type PgStopMode = "immediate" | "fast" | "smart";

export interface SparePostgres {
  port: number;
  /** postgres://postgres@127.0.0.1:port/postgres */
  url: string;
  /** pg_ctl stop -m mode; resolves once the cluster is down. */
  stop(mode: PgStopMode): Promise<void>;
  /** pg_ctl start; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops the cluster (immediate) and removes its directory. */
  destroy(): Promise<void>;
}

/** The newest installed PostgreSQL's bin directory (Debian: /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string {
  const base = "/usr/lib/postgresql";
  const majors = existsSync(base)
    ? readdirSync(base)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const dir = majors.map((m) => join(base, m, "bin")).find((d) => existsSync(join(d, "pg_ctl")));
  if (!dir) throw new Error(`no PostgreSQL binaries under ${base}/*/bin`);
  return dir;
}

async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([exec("id", ["-u", "postgres"]), exec("id", ["-g", "postgres"])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Runs a PostgreSQL binary, as the `postgres` OS user when this process is root. */
async function runPg(asPostgres: boolean, bin: string, args: string[]): Promise<string> {
  const [cmd, argv] = asPostgres ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  try {
    const { stdout, stderr } = await exec(cmd as string, argv as string[], { timeout: 60_000 });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${bin} ${args.join(" ")} failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

export interface SparePostgresOptions {
  /** Every acknowledged commit survives `stop -m immediate` (synchronous_commit on). Off by default
   * for speed; a test that judges what is stored after a crash needs it, or a commit the
   * application saw succeed can vanish with the WAL buffers. */
  durableCommits?: boolean;
}

/** initdb + pg_ctl start on port (pick one with closedPort()); resolves once it accepts connections. */
export async function startPostgresServer(
  port: number,
  spareOptions: SparePostgresOptions = {},
): Promise<SparePostgres> {
  const bin = postgresBinDir();
  const asPostgres = process.getuid?.() === 0; // PostgreSQL refuses to run as root
  const dir = mkdtempSync(join(tmpdir(), "stampede-pg-"));
  if (asPostgres) {
    const { uid, gid } = await postgresUserIds();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  const log = join(dir, "server.log");
  await runPg(asPostgres, join(bin, "initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=trust",
    "--no-sync",
    "-E",
    "UTF8",
    "--locale=C",
  ]);
  // fsync off is safe against a process crash (the OS keeps the written WAL); synchronous_commit
  // off is not: the last commits may still sit in PostgreSQL's own memory.
  const synchronousCommit = spareOptions.durableCommits ? "on" : "off";
  const options =
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=${synchronousCommit} ` +
    "-c full_page_writes=off -c max_connections=200";
  const pgCtl = (args: string[]) => runPg(asPostgres, join(bin, "pg_ctl"), ["-D", data, ...args]);
  const spare: SparePostgres = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop(mode) {
      await pgCtl(["stop", "-m", mode, "-w", "-t", "60"]);
    },
    async start() {
      // -w: pg_ctl returns once the server accepts connections (or fails, with the log's tail).
      await pgCtl(["start", "-w", "-t", "60", "-l", log, "-o", options]);
    },
    async destroy() {
      await pgCtl(["stop", "-m", "immediate", "-w", "-t", "60"]).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await spare.start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return spare;
}

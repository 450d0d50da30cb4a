// Goal: a start with a missing dependency or bad configuration ends with one clear line naming
// what is wrong and how to fix it — not a wall of stack traces — and a non-zero exit.
import { execFileSync, spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { closedPort, createTestDatabase, createTestRedis } from "./support/services.js";
import { repoRoot, startProcess } from "./support/processes.js";
import { waitFor } from "./support/fans.js";

async function failedStart(entry: "server" | "workers", env: Record<string, string>) {
  const proc = startProcess(entry, { PORT: "0", ...env });
  const code = await proc.exited;
  return {
    code,
    lines: proc
      .output()
      .trim()
      .split("\n")
      .filter((l) => !/^!!|^ {2}[A-Z_]+ = /.test(l)),
  };
}

describe("start-up failures", () => {
  it("names PostgreSQL when it is not answering", async () => {
    const port = await closedPort();
    const { code, lines } = await failedStart("server", {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/stampede`,
    });
    expect(code).toBe(1);
    expect(lines).toEqual([
      `stampede: cannot start: PostgreSQL at 127.0.0.1:${port} is not answering (connection refused) (DATABASE_URL).` +
        " Start it, e.g. `pg_ctlcluster 15 main start` or `docker compose up -d postgres`.",
    ]);
  });

  it("names Redis when it is not answering (workers too)", async () => {
    const port = await closedPort();
    const { code, lines } = await failedStart("workers", { REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Redis at 127.0.0.1:${port} is not answering`);
    expect(lines[0]).toContain("redis-server");
  });

  it("lists every bad setting and refuses development secrets in production", async () => {
    const { code, lines } = await failedStart("server", { NODE_ENV: "production", PORT: "http" });
    expect(code).toBe(1);
    expect(lines[0]).toBe("stampede: cannot start: invalid configuration:");
    expect(
      lines
        .slice(1)
        .map((l) => l.trim().split(":")[0])
        .sort(),
    ).toEqual(["- PORT"]);
    const prod = await failedStart("server", { NODE_ENV: "production" });
    expect(
      prod.lines
        .slice(1)
        .map((l) => l.trim().split(":")[0])
        .sort(),
    ).toEqual(["- ADMIN_PASSWORD", "- MOCKPAY_WEBHOOK_SECRET", "- SECRET_KEY"]);
  });
});

/** `npm start` as a terminal runs it: its own process group, so a Ctrl-C reaches the whole group. */
function startDemo(env: Record<string, string>) {
  const {
    DEV_DEFAULTS_BANNER: _b,
    ADMIN_PASSWORD: _a,
    SECRET_KEY: _s,
    MOCKPAY_WEBHOOK_SECRET: _m,
    ...inherited
  } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", "server/src/cli/start.ts"], {
    cwd: repoRoot,
    env: { ...inherited, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ctrlC = () => process.kill(-child.pid!, "SIGINT");
  return {
    pid: child.pid!,
    output: () => out,
    exited,
    ctrlC,
    kill: () => child.exitCode === null && process.kill(-child.pid!, "SIGKILL"),
  };
}

/** The pid of the demo's server child (a direct child of the `npm start` process). */
function serverChildPid(parentPid: number): number | null {
  const rows = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(parentPid)])
    .toString()
    .trim()
    .split("\n");
  const row = rows.find((r) => r.includes("server/src/main.ts"));
  return row ? Number(row.trim().split(/\s+/)[0]) : null;
}

describe("npm start (the demo)", () => {
  it("prints the banner once, logs requests only at debug, restarts a child that dies, and stops on one Ctrl-C with exit 0", async () => {
    const [db, redis, port] = await Promise.all([
      createTestDatabase({ migrate: false }),
      createTestRedis(),
      closedPort(),
    ]);
    const demo = startDemo({
      DATABASE_URL: db.url,
      REDIS_PREFIX: redis.prefix,
      PORT: String(port),
      SHUTDOWN_TIMEOUT_MS: "2000",
    });
    try {
      await waitFor("the where-to-go block", () => demo.output().includes("Ctrl-C stops everything."), 150_000);
      const url = `http://127.0.0.1:${port}`;
      expect((await fetch(`${url}/api/events`)).status).toBe(200);
      expect((await fetch(`${url}/`)).status).toBe(200);
      // A server child that dies (a crash, the OOM killer) is started again: the site comes back by itself.
      const crashed = serverChildPid(demo.pid);
      expect(crashed).not.toBeNull();
      process.kill(crashed!, "SIGKILL");
      await waitFor(
        "the restart message",
        () => /the server process exited unexpectedly \(SIGKILL\); restarting it in \d+ s/.test(demo.output()),
        30_000,
      );
      await waitFor(
        "a new server child",
        () => {
          const pid = serverChildPid(demo.pid);
          return pid !== null && pid !== crashed;
        },
        30_000,
      );
      await waitFor(
        "ready again",
        () =>
          fetch(`${url}/readyz`).then(
            (r) => r.ok,
            () => false,
          ),
        60_000,
      );
      demo.ctrlC();
      expect(await demo.exited).toBe(0);
      const out = demo.output();
      expect(out.match(/DEVELOPMENT DEFAULTS IN USE/g)).toHaveLength(1);
      expect(out).toContain(`Demo event created: ${url}/events/`);
      expect(out).toContain("server listening");
      expect(out).not.toContain("request completed");
      expect(out).not.toContain("second signal");
    } finally {
      demo.kill();
      await redis.cleanup();
      await db.drop();
    }
  }, 240_000);
});

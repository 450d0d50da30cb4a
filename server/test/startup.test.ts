// Goal: a start with a missing dependency or bad configuration ends with one clear line naming
// what is wrong and how to fix it — not a wall of stack traces — and a non-zero exit.
import { describe, expect, it } from "vitest";
import { closedPort } from "../src/testing/services.js";
import { startProcess } from "../src/testing/processes.js";

async function failedStart(entry: "server" | "workers", env: Record<string, string>) {
  const proc = startProcess(entry, { PORT: "0", ...env });
  const code = await proc.exited;
  return { code, lines: proc.output().trim().split("\n").filter((l) => !/^!!|^ {2}[A-Z_]+ = /.test(l)) };
}

describe("start-up failures", () => {
  it("names PostgreSQL when it is not answering", async () => {
    const port = await closedPort();
    const { code, lines } = await failedStart("server", { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/stampede` });
    expect(code).toBe(1);
    expect(lines).toEqual([`stampede: cannot start: PostgreSQL at 127.0.0.1:${port} is not answering (connection refused) (DATABASE_URL). Start it, e.g. \`pg_ctlcluster 15 main start\` or \`docker compose up -d postgres\`.`]);
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
    expect(lines.slice(1).map((l) => l.trim().split(":")[0]).sort()).toEqual(["- PORT"]);
    const prod = await failedStart("server", { NODE_ENV: "production" });
    expect(prod.lines.slice(1).map((l) => l.trim().split(":")[0]).sort()).toEqual(["- ADMIN_PASSWORD", "- MOCKPAY_WEBHOOK_SECRET", "- SECRET_KEY"]);
  });
});

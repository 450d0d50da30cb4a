// Goal: `npm run smoke -- <url> admin:<password>` walks one fan through the public contract against
// a real server + workers and passes; when a step answers differently it names that step and exits 1.
import { describe, expect, it } from "vitest";
import { stackAdmin, startStack } from "./support/stack.js";
import { useStack } from "./support/use-stack.js";
import { runCli } from "./cli-run.js";

const served = useStack();

describe("npm run smoke", () => {
  it("passes every step against a running server and workers", async () => {
    const run = await runCli("smoke", [served.url, `${stackAdmin.username}:${stackAdmin.password}`]);
    expect(run.output).toContain("every step answered as the contract says");
    expect(run.output).toContain("webhook → order paid");
    expect(run.code).toBe(0);
  }, 150_000);

  it("names the failing step and exits 1 (wrong admin password)", async () => {
    const run = await runCli("smoke", [served.url, `${stackAdmin.username}:not-the-password`]);
    expect(run.output).toMatch(/FAILED at step 1\/\d+, "admin sign-in .*": 401/);
    expect(run.code).toBe(1);
  }, 150_000);

  it("names the webhook step when no workers deliver the payment", async () => {
    const lonely = await startStack();
    try {
      const server = await lonely.addServer();
      const run = await runCli("smoke", [server.url, `${stackAdmin.username}:${stackAdmin.password}`]);
      expect(run.output).toMatch(/FAILED at step 7\/\d+, "webhook → order paid/);
      expect(run.code).toBe(1);
    } finally {
      await lonely.close();
    }
  }, 150_000);

  it("explains its arguments (exit 2)", async () => {
    const run = await runCli("smoke", []);
    expect(run.output).toContain("usage: npm run smoke --");
    expect(run.code).toBe(2);
  }, 60_000);
});

// Two server processes on one stack, on a Redis backend of the suite's choice (redis-backends.ts),
// for the multi-node suites: registered inside a describe over the backends, started before its
// tests, stopped (with every fan it connected) after them.
import { afterAll, beforeAll } from "vitest";
import { connectFan, type TestFan } from "./fans.js";
import type { RunningServer } from "./processes.js";
import type { RedisBackend } from "./redis-backends.js";
import { startStack, type TestStack } from "./stack.js";

export interface TwoNodes {
  stack: TestStack;
  a: RunningServer;
  b: RunningServer;
  /** A fan connected to node (with this session when given: the same fan coming back); closed after the suite. */
  fanOn(node: RunningServer, session?: { fanId: string; fanToken: string }): Promise<TestFan>;
}

/** Read the fields in hooks or tests: they are set in beforeAll. */
export function useTwoNodes(backend: RedisBackend, env: Record<string, string> = {}): TwoNodes {
  const fans: TestFan[] = [];
  const nodes = {
    async fanOn(node: RunningServer, session?: { fanId: string; fanToken: string }) {
      const fan = await connectFan(node.url, session);
      fans.push(fan);
      return fan;
    },
  } as TwoNodes;
  beforeAll(async () => {
    nodes.stack = await startStack(env, { redisUrl: backend.url() });
    [nodes.a, nodes.b] = await Promise.all([nodes.stack.addServer(), nodes.stack.addServer()]);
  }, 120_000);
  afterAll(async () => {
    fans.splice(0).forEach((f) => f.close());
    await nodes.stack?.close();
  });
  return nodes;
}

// One real stack per test file — a server and a workers process on their own database and Redis
// prefix — started before the file's tests and stopped after them, together with whatever the
// tests handed to closeAfter (fans' sockets). Read `url` and `stack` inside tests and hooks.
import { afterAll, beforeAll } from "vitest";
import { startStack, type TestStack } from "./stack.js";

export interface UsedStack {
  readonly url: string;
  readonly stack: TestStack;
  /** Closes it when the file's tests are done (before the stack stops); returns it. */
  closeAfter<T extends { close(): void }>(thing: T): T;
}

/** redisUrl: the Redis to run on (a backend of redis-backends.ts; read when the stack starts). */
export function useStack(env: Record<string, string> = {}, options: { redisUrl?: () => string } = {}): UsedStack {
  let started: { stack: TestStack; url: string } | undefined;
  const toClose: Array<{ close(): void }> = [];
  beforeAll(async () => {
    const stack = await startStack(env, { redisUrl: options.redisUrl?.() });
    started = { stack, url: "" };
    started.url = (await stack.addServer()).url;
    stack.addWorkers();
  }, 120_000);
  afterAll(async () => {
    for (const thing of toClose.splice(0)) thing.close();
    await started?.stack.close();
  });
  const get = () => {
    if (!started?.url) throw new Error("setup failed: the stack did not start");
    return started;
  };
  return {
    get url() {
      return get().url;
    },
    get stack() {
      return get().stack;
    },
    closeAfter(thing) {
      toClose.push(thing);
      return thing;
    },
  };
}

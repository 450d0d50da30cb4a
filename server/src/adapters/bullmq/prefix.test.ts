// Goal: BullMQ works on a Redis Cluster with the install's prefix (prefix.ts) — a job goes through a
// queue and a worker on a single Redis and on a cluster alike — with a negative control: the same
// queue under the prefix without a hash tag is refused by the cluster (BullMQ's scripts touch keys
// in several slots), so the suite can see a prefix that would fail in production.
import { Queue, Worker } from "bullmq";
import { describe, expect, it } from "vitest";
import { bullPrefix } from "./prefix.js";
import { twoConnections, useRedisBackends } from "../../../test/support/redis-backends.js";

const backends = useRedisBackends();

describe.each(backends)("BullMQ on $name", (backend) => {
  const conns = twoConnections(backend, "bullmq");

  it("runs a job through a queue and a worker under the install's prefix", async () => {
    const prefix = bullPrefix(conns.redis.prefix, conns.other);
    expect(prefix.startsWith("{")).toBe(backend.name === "Redis Cluster");
    const queue = new Queue<{ n: number }>("prefix-test", { connection: conns.other, prefix });
    const worker = new Worker<{ n: number }, number>("prefix-test", async (job) => job.data.n * 2, {
      connection: conns.other,
      prefix,
    });
    try {
      const result = new Promise((resolve, reject) => {
        worker.on("completed", (_job, value) => resolve(value));
        worker.on("failed", (_job, err) => reject(err));
      });
      await queue.add("double", { n: 21 });
      expect(await result).toBe(42);
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it("negative control: without the hash tag the cluster refuses BullMQ's scripts", async () => {
    const queue = new Queue("untagged", { connection: conns.other, prefix: `${conns.redis.prefix}:bull` });
    queue.on("error", () => {}); // the refusal is the expected outcome here
    try {
      const add = queue.add("x", {});
      if (backend.name === "Redis Cluster") await expect(add).rejects.toThrow(/CROSSSLOT|same slot/);
      else await expect(add).resolves.toMatchObject({ name: "x" });
    } finally {
      await queue.close();
    }
  });
});

// A throwaway Redis Cluster for the suites that run against a cluster as well as a single Redis:
// three masters, each a redis-server on spare ports (startRedisServer, so a node that cannot start
// fails loudly), their cluster state in a temp dir, joined by `redis-cli --cluster create`. Ready
// means every node's CLUSTER INFO says cluster_state:ok with all 16384 slots: redis-cli returns
// before gossip has reached every node, and a node that has not heard yet answers CLUSTERDOWN.
// Never touches the shared Redis. Start one per test file: it takes a second or two.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { startRedisServer, type SpareRedis } from "./redis-server.js";
import { closedPort } from "./services.js";

const run = promisify(execFile);

export interface TestRedisCluster {
  /** `redis+cluster://127.0.0.1:<port>,…`: the REDIS_URL that makes createRedis (and a process) use it. */
  url: string;
  ports: number[];
  /** Kills every node and removes the temp dir. */
  stop(): Promise<void>;
}

/** Distinct spare ports: a node's client port and its cluster bus port (which need not be port + 10000). */
async function sparePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await closedPort());
  return [...ports];
}

/** Starts `masters` cluster nodes (no replicas), joins them and waits until every node says ok. */
export async function startRedisCluster(masters = 3, timeoutMs = 20_000): Promise<TestRedisCluster> {
  // A spare port is free when picked, but a parallel test file may take it before redis-server
  // binds it: then the whole start is tried again on other ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(masters, timeoutMs);
    } catch (err) {
      if (attempt >= 3 || !/Address already in use/.test(String(err))) throw err;
    }
  }
}

async function startOnce(masters: number, timeoutMs: number): Promise<TestRedisCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), "stampede-redis-cluster-"));
  const allPorts = await sparePorts(masters * 2);
  const ports = allPorts.slice(0, masters);
  const nodes: SpareRedis[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.kill()));
    await rm(dir, { recursive: true, force: true });
  };
  // Pushed as each one starts, so a failure of one still stops the others.
  const starts = ports.map((port, i) =>
    startRedisServer(port, timeoutMs, { args: nodeArgs(dir, port, allPorts[masters + i]!) }).then((n) => nodes.push(n)),
  );
  try {
    await Promise.all(starts);
    const addresses = ports.map((p) => `127.0.0.1:${p}`);
    await run("redis-cli", ["--cluster", "create", ...addresses, "--cluster-replicas", "0", "--cluster-yes"], {
      timeout: timeoutMs,
    });
    await waitForClusterOk(ports, Date.now() + timeoutMs);
  } catch (err) {
    await Promise.allSettled(starts); // none still starting when stop() kills them
    await stop();
    throw err;
  }
  return { url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(",")}`, ports, stop };
}

function nodeArgs(dir: string, port: number, busPort: number): string[] {
  return [
    ...["--cluster-enabled", "yes", "--cluster-port", String(busPort)],
    ...["--cluster-config-file", path.join(dir, `nodes-${port}.conf`), "--dir", dir],
    // A dead node is noticed quickly in tests that stop one; the default is 15 s.
    ...["--cluster-node-timeout", "2000"],
  ];
}

/** Polls CLUSTER INFO on every node until all say ok with every slot assigned. */
async function waitForClusterOk(ports: number[], deadline: number): Promise<void> {
  const clients = ports.map(
    (port) => new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 1 }),
  );
  clients.forEach((c) => c.on("error", () => {}));
  try {
    let last = "";
    while (Date.now() < deadline) {
      const infos = await Promise.all(clients.map((c) => c.cluster("INFO")));
      if (infos.every((info) => /cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info))) return;
      last = infos.join("\n");
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the Redis cluster on ${ports.join(",")} did not become ok:\n${last}`);
  } finally {
    clients.forEach((c) => c.disconnect());
  }
}

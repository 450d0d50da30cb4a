// A throwaway Redis Cluster for the suites that run against a cluster as well as a single Redis:
// three masters, each a redis-server on spare ports (startRedisServer, so a node that cannot start
// fails loudly), their cluster state in a temp dir, joined by `redis-cli --cluster create`. Ready
// means every node's CLUSTER INFO says cluster_state:ok with all 16384 slots: redis-cli returns
// before gossip has reached every node, and a node that has not heard yet answers CLUSTERDOWN.
// With replicas, a master's slots can be handed to its replica mid-test (failOverMasterOf).
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
  /** Every node's port, masters first. */
  ports: number[];
  /** Kills every node and removes the temp dir. */
  stop(): Promise<void>;
  /** SIGKILL of one node (by its port), resolved once it has exited. */
  killNode(port: number): Promise<void>;
}

export interface RedisClusterOptions {
  masters?: number;
  /** Replicas per master (CLUSTER FAILOVER needs one); ready means each has synced with its master. */
  replicas?: number;
  timeoutMs?: number;
}

/** Distinct spare ports: a node's client port and its cluster bus port (which need not be port + 10000). */
async function sparePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await closedPort());
  return [...ports];
}

/** Starts the cluster's nodes (3 masters, no replicas by default), joins them and waits until every node says ok. */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<TestRedisCluster> {
  const shape = { masters: 3, replicas: 0, timeoutMs: 20_000, ...options };
  // A spare port is free when picked, but a parallel test file may take it before redis-server
  // binds it: then the whole start is tried again on other ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(shape);
    } catch (err) {
      if (attempt >= 3 || !/Address already in use/.test(String(err))) throw err;
    }
  }
}

async function startOnce({ masters, replicas, timeoutMs }: Required<RedisClusterOptions>): Promise<TestRedisCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), "stampede-redis-cluster-"));
  const count = masters * (1 + replicas);
  const allPorts = await sparePorts(count * 2);
  const ports = allPorts.slice(0, count);
  const nodes: SpareRedis[] = [];
  const byPort = new Map<number, SpareRedis>();
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.kill()));
    await rm(dir, { recursive: true, force: true });
  };
  // Pushed as each one starts, so a failure of one still stops the others.
  const starts = ports.map((port, i) =>
    startRedisServer(port, timeoutMs, { args: nodeArgs(dir, port, allPorts[count + i]!) }).then((n) => {
      nodes.push(n);
      byPort.set(port, n);
    }),
  );
  try {
    await Promise.all(starts);
    const addresses = ports.map((p) => `127.0.0.1:${p}`);
    await run(
      "redis-cli",
      ["--cluster", "create", ...addresses, "--cluster-replicas", String(replicas), "--cluster-yes"],
      {
        timeout: timeoutMs,
      },
    );
    await waitForClusterOk(ports, Date.now() + timeoutMs);
  } catch (err) {
    await Promise.allSettled(starts); // none still starting when stop() kills them
    await stop();
    throw err;
  }
  const killNode = async (port: number) => {
    const node = byPort.get(port);
    if (!node) throw new Error(`no node of this cluster on port ${port}`);
    await node.kill();
  };
  return { url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(",")}`, ports, stop, killNode };
}

function nodeArgs(dir: string, port: number, busPort: number): string[] {
  return [
    ...["--cluster-enabled", "yes", "--cluster-port", String(busPort)],
    ...["--cluster-config-file", path.join(dir, `nodes-${port}.conf`), "--dir", dir],
    // A dead node is noticed quickly in tests that stop one; the default is 15 s.
    ...["--cluster-node-timeout", "2000"],
  ];
}

/** Polls every node until all say cluster_state ok with every slot assigned, know every node, and
 * each replica's link to its master is up (it has synced). */
async function waitForClusterOk(ports: number[], deadline: number): Promise<void> {
  await pollNodes(ports, deadline, "become ok", async (client) => {
    const [info, replication] = [await client.cluster("INFO"), await client.info("replication")];
    return (
      /cluster_state:ok/.test(info) &&
      /cluster_slots_ok:16384/.test(info) &&
      info.includes(`cluster_known_nodes:${ports.length}`) &&
      (/role:master/.test(replication) || /master_link_status:up/.test(replication))
    );
  });
}

/** Asks every node in turn until ready() is true on all of them (or the deadline passes). */
async function pollNodes(
  ports: number[],
  deadline: number,
  what: string,
  ready: (client: Redis) => Promise<boolean>,
): Promise<void> {
  const clients = ports.map(
    (port) => new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 1 }),
  );
  clients.forEach((c) => c.on("error", () => {}));
  try {
    while (Date.now() < deadline) {
      const states = await Promise.all(clients.map((c) => ready(c).catch(() => false)));
      if (states.every(Boolean)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the Redis cluster on ${ports.join(",")} did not ${what}`);
  } finally {
    clients.forEach((c) => c.disconnect());
  }
}

interface NodeLine {
  id: string;
  port: number;
  master: boolean;
  masterId: string;
  slots: Array<[number, number]>;
}

/** CLUSTER NODES as one node sees it. */
async function clusterNodes(client: Redis): Promise<NodeLine[]> {
  const text = (await client.cluster("NODES")) as string;
  return text
    .trim()
    .split("\n")
    .map((line) => {
      const [id, address, flags, masterId, , , , , ...slots] = line.split(" ");
      return {
        id: id!,
        port: Number(address!.split("@")[0]!.split(":")[1]),
        master: flags!.split(",").includes("master"),
        masterId: masterId!,
        slots: slots.filter((r) => !r.startsWith("[")).map((r) => r.split("-").map(Number) as [number, number]),
      };
    });
}

/** The master serving key's slot and its replica (the test started the cluster with replicas). */
async function servingPair(client: Redis, key: string) {
  const slot = Number(await client.cluster("KEYSLOT", key));
  const nodes = await clusterNodes(client);
  const serves = (n: NodeLine) => n.master && n.slots.some(([from, to = from]) => slot >= from && slot <= to);
  const master = nodes.find(serves);
  const replica = nodes.find((n) => !n.master && n.masterId === master?.id);
  if (!master || !replica) throw new Error(`no master with a replica serves slot ${slot}: start with replicas`);
  return { master, replica, serves };
}

/**
 * A manual failover (CLUSTER FAILOVER on a replica): the master serving key's slot hands it to its
 * replica, with no acknowledged write lost. Resolves once every node agrees that the replica is that
 * slot's master, the old master its replica, and the cluster is ok again; returns both ports.
 */
export async function failOverMasterOf(
  cluster: TestRedisCluster,
  key: string,
  timeoutMs = 20_000,
): Promise<{ from: number; to: number }> {
  const client = new Redis({ port: cluster.ports[0]!, host: "127.0.0.1", lazyConnect: true });
  client.on("error", () => {});
  try {
    const { master, replica, serves } = await servingPair(client, key);
    const onReplica = new Redis({ port: replica.port, host: "127.0.0.1", lazyConnect: true });
    await onReplica.cluster("FAILOVER").finally(() => onReplica.disconnect());
    // Done when every node sees the replica serving the slot AND the old master as its replica: the
    // old master's own switch spreads a little later, and a next failover (or a ROLE check) read
    // before it would find the new master without a replica (failed once in CI).
    await pollNodes(cluster.ports, Date.now() + timeoutMs, "agree on the failover", async (node) => {
      const seen = await clusterNodes(node);
      const info = await node.cluster("INFO");
      const old = seen.find((n) => n.id === master.id);
      const swapped = old !== undefined && !old.master && old.masterId === replica.id;
      return /cluster_state:ok/.test(info) && seen.find(serves)?.id === replica.id && swapped;
    });
    return { from: master.port, to: replica.port };
  } finally {
    client.disconnect();
  }
}

/**
 * An abrupt failover: the master serving key's slot is killed (SIGKILL, no handover), and its
 * replica is promoted once the others have seen it gone (cluster-node-timeout, 2 s here). Writes
 * the master acknowledged but had not yet sent to its replica are lost, as in production. Resolves
 * once every surviving node agrees the replica serves the slot and the cluster is ok again.
 */
export async function killMasterOf(
  cluster: TestRedisCluster,
  key: string,
  timeoutMs = 30_000,
): Promise<{ from: number; to: number }> {
  // The lookup's connection is closed before the kill: one to the dying node would fail a command.
  const client = new Redis({ port: cluster.ports[0]!, host: "127.0.0.1", lazyConnect: true });
  client.on("error", () => {});
  const { master, replica, serves } = await servingPair(client, key).finally(() => client.disconnect());
  await cluster.killNode(master.port);
  const alive = cluster.ports.filter((p) => p !== master.port);
  await pollNodes(alive, Date.now() + timeoutMs, "promote the replica", async (node) => {
    const seen = await clusterNodes(node);
    const info = await node.cluster("INFO");
    return /cluster_state:ok/.test(info) && seen.find(serves)?.id === replica.id;
  });
  return { from: master.port, to: replica.port };
}

// Goal: docker-compose.yml's `redis-cluster` profile is a Redis Cluster as Compose would start it:
// six nodes in cluster mode (three masters and a replica each once created), each with the single
// Redis's durability settings, a volume and a fixed IP of its own; a one-shot job that creates the
// cluster from all six with one replica per master, and leaves an existing cluster alone; the app
// pointed at it by STAMPEDE_REDIS_URL (a REDIS_URL the app parses into those nodes). The workers'
// healthcheck, run here as Compose runs it, answers for a single Redis and for a cluster URL (any
// seed node that answers), and fails when Redis is down. Checked on the file as Compose reads it
// (compose-file.ts), no Docker needed; the checks are shown to bite on broken copies.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRedisUrl } from "../src/adapters/redis/redis-url.js";
import {
  composeSchemaErrors,
  describeErrors,
  readCompose,
  type ComposeEnv,
  type ComposeService,
  type ComposeServices,
} from "./compose-file.js";
import { startRedisCluster, type TestRedisCluster } from "./support/redis-cluster.js";
import { closedPort, testRedisUrl } from "./support/services.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const profile = "redis-cluster";
const nodes = [0, 1, 2, 3, 4, 5].map((i) => `redis-cluster-${i}`);
const clusterUrl = "redis+cluster://172.30.90.20:6379,172.30.90.21:6379,172.30.90.22:6379";

type Service = ComposeService;
type ComposeConfig = ComposeServices;

let text = "";
const read = (env: ComposeEnv = {}) => readCompose(text, env) as ComposeConfig;
const argv = (s: Service) => [s.entrypoint ?? [], s.command ?? []].flat();
const ipOf = (s: Service) => s.networks?.default?.ipv4_address ?? "";

beforeAll(() => {
  text = readFileSync(join(repoRoot, "docker-compose.yml"), "utf8");
});

/** Everything wrong with the profile of this configuration (empty: a working cluster). */
function clusterProblems(config: ComposeConfig): string[] {
  const problems: string[] = [];
  const named = Object.keys(config.volumes ?? {});
  const volumes = new Set<string>();
  for (const name of nodes) {
    const node = config.services[name];
    if (node === undefined) return [`${name} missing`];
    if (!(node.profiles ?? []).includes(profile)) problems.push(`${name} not in the profile`);
    const start = argv(node).join(" ");
    for (const flag of ["--cluster-enabled yes", "--appendonly yes", "--maxmemory-policy noeviction"])
      if (!start.includes(flag)) problems.push(`${name} lacks ${flag}`);
    const volume = (node.volumes ?? []).find((v) => v.endsWith(":/data"))?.split(":")[0] ?? "";
    if (!named.includes(volume) || volumes.has(volume)) problems.push(`${name} has no named volume of its own`);
    volumes.add(volume);
    if (!node.healthcheck?.test) problems.push(`${name} has no healthcheck`);
  }
  const ips = nodes.map((name) => ipOf(config.services[name]!));
  if (new Set(ips).size !== nodes.length || ips.includes("")) problems.push("node IPs not fixed and distinct");
  const create = config.services["redis-cluster-create"] ?? {};
  const script = argv(create).join(" ");
  const listed = ips.every((ip) => script.includes(`${ip}:6379`));
  if (!listed || !/--cluster create .*--cluster-replicas 1 --cluster-yes/.test(script))
    problems.push("the create job does not create the cluster of all six with a replica per master");
  if (!/cluster_state:ok \|\|/.test(script)) problems.push("the create job would create an existing cluster again");
  for (const name of nodes)
    if (create.depends_on?.[name]?.condition !== "service_healthy")
      problems.push(`the create job does not wait for ${name}`);
  return problems;
}

describe("the redis-cluster profile of docker-compose.yml", () => {
  it("is valid and leaves the default stack as it was", () => {
    for (const env of [{}, { STAMPEDE_REDIS_URL: clusterUrl }] as ComposeEnv[]) {
      const errors = composeSchemaErrors(read(env));
      expect(errors, describeErrors(errors)).toEqual([]);
    }
    const config = read();
    const inProfile = Object.keys(config.services).filter((n) => config.services[n]!.profiles?.includes(profile));
    expect(inProfile.sort()).toEqual([...nodes, "redis-cluster-create"].sort());
    expect(config.services["redis-cluster-create"]!.restart).toBe("no");
  });

  it("is a working cluster of six nodes (negative control: broken copies are caught)", () => {
    const config = read();
    expect(clusterProblems(config)).toEqual([]);
    const shared = structuredClone(config);
    shared.services["redis-cluster-4"]!.volumes = ["redis-cluster-3:/data"];
    expect(clusterProblems(shared)).toContain("redis-cluster-4 has no named volume of its own");
    const noReplicas = readCompose(text.replace("--cluster-replicas 1", "--cluster-replicas 0")) as ComposeConfig;
    expect(clusterProblems(noReplicas).join()).toMatch(/replica per master/);
    const plain = readCompose(
      text.replace(/--cluster-enabled\n\s+- "yes"/, '--appendonly\n    - "yes"'),
    ) as ComposeConfig;
    expect(clusterProblems(plain).join()).toMatch(/lacks --cluster-enabled yes/);
  });

  it("points every process at the single Redis by default, at the cluster's nodes with STAMPEDE_REDIS_URL", () => {
    for (const name of ["server1", "server2", "workers", "mockpay"]) {
      expect(read().services[name]!.environment?.REDIS_URL, name).toBe("redis://redis:6379");
      const url = read({ STAMPEDE_REDIS_URL: clusterUrl }).services[name]!.environment?.REDIS_URL ?? "";
      const target = parseRedisUrl(url);
      const ips = nodes.map((n) => ipOf(read().services[n]!));
      expect(target.kind === "cluster" && target.nodes.every((seed) => ips.includes(seed.host)), name).toBe(true);
    }
  });
});

describe("the workers' healthcheck, as Compose runs it", () => {
  let cluster: TestRedisCluster;
  let decoy: ChildProcess;
  beforeAll(async () => {
    cluster = await startRedisCluster();
    // The check first looks for a workers process: one whose command line ends in workers/src/main.ts.
    decoy = spawn(process.execPath, ["-e", "setInterval(() => {}, 1e9)", "workers/src/main.ts"], { stdio: "ignore" });
  });
  afterAll(async () => {
    decoy?.kill("SIGKILL");
    await cluster?.stop();
  });

  const check = (redisUrl: string) => {
    const test = read().services.workers!.healthcheck?.test as string[];
    expect(test.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
    const run = spawnSync(process.execPath, ["-e", test[3]!], { env: { REDIS_URL: redisUrl }, timeout: 10_000 });
    return run.status;
  };

  it("is healthy on a single Redis and on a cluster URL while any seed answers, unhealthy when Redis is down", async () => {
    expect(check(testRedisUrl)).toBe(0);
    expect(check(cluster.url)).toBe(0);
    expect(check(cluster.url.replace("redis+cluster://", "redis+cluster://user:secret@"))).toBe(0);
    expect(check(`redis+cluster://127.0.0.1:${await closedPort()},127.0.0.1:${cluster.ports[1]}`)).toBe(0);
    expect(check(`redis://127.0.0.1:${await closedPort()}`)).toBe(1);
    expect(check(`redis+cluster://127.0.0.1:${await closedPort()},127.0.0.1:${await closedPort()}`)).toBe(1);
  });
});

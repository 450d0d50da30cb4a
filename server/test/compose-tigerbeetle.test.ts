// Goal: docker-compose.yml runs TigerBeetle with production settings (never `--development`), and
// its `tigerbeetle-cluster` profile is a working 3-replica cluster as Compose would start it: data
// files formatted with --replica-count=3, one per replica on a volume of its own, each replica on
// its own fixed IP (tigerbeetle-node takes IP addresses only) and started with all three addresses
// in replica order, and the app pointed at all three by STAMPEDE_TB_ADDRESS. Without the profile
// the stack is unchanged, and nothing outside the profile waits on a service inside it (Compose
// refuses that). Checked on the file as Compose reads it (compose-file.ts), no Docker needed; the
// checks are shown to bite on broken copies.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import {
  composeSchemaErrors,
  describeErrors,
  readCompose,
  type ComposeEnv,
  type ComposeService,
  type ComposeServices,
} from "./compose-file.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const profile = "tigerbeetle-cluster";
const replicas = ["tigerbeetle-0", "tigerbeetle-1", "tigerbeetle-2"];
const clusterAddress = "172.30.90.11:3000,172.30.90.12:3000,172.30.90.13:3000";

type Service = ComposeService;
type ComposeConfig = ComposeServices;

let text = "";
const read = (env: ComposeEnv = {}) => readCompose(text, env) as ComposeConfig;

beforeAll(() => {
  text = readFileSync(join(repoRoot, "docker-compose.yml"), "utf8");
});

function argv(service: Service): string[] {
  const words = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : v.split(/\s+/));
  return [...words(service.entrypoint), ...words(service.command)];
}

const ipOf = (service: Service) => service.networks?.default?.ipv4_address ?? "";
const isTigerBeetle = (service: Service) => (service.image ?? "").startsWith("ghcr.io/tigerbeetle/tigerbeetle:");

/** Everything wrong with the cluster profile of this configuration (empty: a working cluster). */
function clusterProblems(config: ComposeConfig): string[] {
  const problems: string[] = [];
  const named = Object.keys(config.volumes ?? {});
  const volumes = new Set<string>();
  replicas.forEach((name, r) => {
    const replica = config.services[name];
    if (replica === undefined) return void problems.push(`${name} missing`);
    if (!(replica.profiles ?? []).includes(profile)) problems.push(`${name} not in the profile`);
    const start = argv(replica);
    const addresses = (start.find((a) => a.startsWith("--addresses=")) ?? "").slice("--addresses=".length).split(",");
    if (addresses.length !== 3) problems.push(`${name} does not start with all three addresses`);
    if (addresses[r] !== `${ipOf(replica)}:3000`) problems.push(`${name}: address ${r} is not its own IP`);
    if (start.at(-1) !== `/data/0_${r}.tigerbeetle`) problems.push(`${name} starts another data file`);
    const volume = (replica.volumes ?? []).find((v) => v.endsWith(":/data"))?.split(":")[0] ?? "";
    if (!named.includes(volume) || volumes.has(volume)) problems.push(`${name} has no named volume of its own`);
    volumes.add(volume);
    if (replica.depends_on?.["tigerbeetle-cluster-format"]?.condition !== "service_completed_successfully")
      problems.push(`${name} does not wait for the format job`);
  });
  const ips = replicas.map((name) => ipOf(config.services[name] ?? {}));
  if (new Set([...ips, ipOf(config.services.tigerbeetle ?? {})]).size !== 4) problems.push("replica IPs not distinct");
  const format = argv(config.services["tigerbeetle-cluster-format"] ?? {}).join(" ");
  if (!/for r in 0 1 2;/.test(format) || !/--replica=\$r --replica-count=3 /.test(format))
    problems.push("the format job does not format replicas 0, 1 and 2 with --replica-count=3");
  return problems;
}

describe("TigerBeetle in docker-compose.yml", () => {
  it("never runs with --development, and uses only TigerBeetle 0.17's stable start flags", () => {
    const config = read();
    const tigerbeetles = Object.entries(config.services).filter(([, s]) => isTigerBeetle(s));
    expect(tigerbeetles.map(([name]) => name).sort()).toEqual(
      ["tigerbeetle", "tigerbeetle-format", "tigerbeetle-cluster-format", ...replicas].sort(),
    );
    for (const [name, service] of tigerbeetles) {
      expect(argv(service).join(" "), name).not.toContain("--development");
      const start = argv(service);
      if (start[0] !== "start") continue;
      const flags = start.filter((a) => a.startsWith("--")).map((a) => a.split("=")[0]);
      expect(flags, name).toEqual(["--addresses", "--cache-grid"]);
      expect(start, name).toContain("--cache-grid=1GiB");
    }
    expect(argv(read({ STAMPEDE_TB_CACHE_GRID: "4GiB" }).services.tigerbeetle!)).toContain("--cache-grid=4GiB");
  });

  it("has a working 3-replica cluster profile (negative control: broken copies are caught)", () => {
    const config = read();
    expect(clusterProblems(config)).toEqual([]);
    expect(replicas.map((name) => ipOf(config.services[name]!))).toEqual([
      "172.30.90.11",
      "172.30.90.12",
      "172.30.90.13",
    ]);

    const swapped = structuredClone(config);
    swapped.services["tigerbeetle-1"]!.networks = { default: { ipv4_address: "172.30.90.13" } };
    expect(clusterProblems(swapped)).toContain("tigerbeetle-1: address 1 is not its own IP");
    const shared = structuredClone(config);
    shared.services["tigerbeetle-2"]!.volumes = ["tigerbeetle-cluster-1:/data"];
    expect(clusterProblems(shared)).toContain("tigerbeetle-2 has no named volume of its own");
    const twoReplicas = readCompose(text.replaceAll("--replica-count=3", "--replica-count=2")) as ComposeConfig;
    expect(clusterProblems(twoReplicas).join()).toMatch(/--replica-count=3/);
  });

  it("points the app at the single replica by default, at all three with STAMPEDE_TB_ADDRESS", () => {
    const app = (env: ComposeEnv) => read(env).services.server1!.environment?.TB_ADDRESS;
    expect(app({})).toBe("172.30.90.10:3000");
    expect(app({ STAMPEDE_TB_IP: "10.77.0.10" })).toBe("10.77.0.10:3000");
    const config = read({ STAMPEDE_TB_ADDRESS: clusterAddress });
    for (const name of ["server1", "server2", "workers", "mockpay"]) {
      expect(config.services[name]!.environment?.TB_ADDRESS, name).toBe(clusterAddress);
    }
    expect(clusterAddress.split(",")).toEqual(replicas.map((name) => `${ipOf(config.services[name]!)}:3000`));
  });

  it("leaves the default stack as it was: nothing outside the profile waits on a service inside it", () => {
    const envs: ComposeEnv[] = [{}, { STAMPEDE_TB_ADDRESS: clusterAddress, STAMPEDE_SUBNET: "10.77.0.0/24" }];
    for (const env of envs) {
      const errors = composeSchemaErrors(read(env));
      expect(errors, describeErrors(errors)).toEqual([]);
    }
    const config = read();
    const inProfile = new Set(
      Object.entries(config.services)
        .filter(([, s]) => (s.profiles ?? []).length > 0)
        .map(([name]) => name),
    );
    const inThisProfile = [...inProfile].filter((name) => config.services[name]?.profiles?.includes(profile));
    expect(inThisProfile.sort()).toEqual(["tigerbeetle-cluster-format", ...replicas].sort());
    for (const [name, service] of Object.entries(config.services)) {
      if (inProfile.has(name)) continue;
      for (const dep of Object.keys(service.depends_on ?? {}))
        expect(inProfile.has(dep), `${name} → ${dep}`).toBe(false);
    }
  });
});

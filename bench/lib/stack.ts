// A Stampede for one benchmark run: the test harness's stack (own database, own Redis prefix, real
// server and workers processes on free ports) with per-IP limits raised for load from one box.
import { execFileSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startStack, stackAdmin, type TestStack } from "../../server/test/support/stack.js";
import { basicAuth, createEvent } from "../../server/test/support/fans.js";
import { closedPort } from "../../server/test/support/services.js";
import type { RunningServer } from "../../server/test/support/processes.js";

export const benchStackEnv: Record<string, string> = {
  SESSION_LIMIT_PER_IP_PER_MINUTE: "10000000",
  JOIN_LIMIT_PER_IP_PER_MINUTE: "10000000",
  CONNECTIONS_PER_IP_MAX: "1000000",
  PRESENCE_GRACE_SECONDS: "3600",
  LOG_LEVEL: "warn",
  // Production's setting: the figures measure what production runs, not the development checks.
  RESPONSE_CHECK: "off",
};

export const adminAuth = basicAuth(stackAdmin.username, stackAdmin.password);

export interface BenchStack {
  stack: TestStack;
  /** The first server (every benchmark's single node): `servers[0]`. */
  server: RunningServer;
  /** Every server node on this stack (`nodes` of them), in start order. */
  servers: RunningServer[];
  /** MockPay's own process, when the stack runs it apart (`mockpay: true`): fans pay there. */
  mockpayUrl: string | null;
  /** Starts the server's and the workers' CPU profiles (when BENCH_CPU_PROFILE_DIR is set): call as the timed phase starts. */
  profileStart(): void;
  close(): Promise<void>;
}

export interface BenchStackOptions {
  workers?: boolean;
  /** MockPay in its own process, as a real provider is (the shop reaches it at MOCKPAY_URL). */
  mockpay?: boolean;
  env?: Record<string, string>;
  /** Open-files limit raised for each server process (prlimit; not permitted on every box). */
  fdsMax?: number;
  /** Server processes on the same stack (database, Redis, prefix): 1 unless told. */
  nodes?: number;
  /** Another Redis for the stack's keys (a Redis Cluster's `redis+cluster://…`). */
  redisUrl?: string;
}

/** Starts the stack, `nodes` servers (one unless told), (unless told otherwise) one workers process,
 * and MockPay apart when asked. `BENCH_CPU_PROFILE_DIR=/tmp/prof` profiles each (see lib/cpu-profile.mjs). */
export async function startBenchStack(opts: BenchStackOptions = {}): Promise<BenchStack> {
  const stack = await startStack({ ...benchStackEnv, ...(opts.env ?? {}) }, { redisUrl: opts.redisUrl });
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
  const preload = fileURLToPath(new URL("./cpu-profile.mjs", import.meta.url));
  const profiled: Record<string, string> = profileDir
    ? { NODE_OPTIONS: `--import ${preload}`, BENCH_CPU_PROFILE_DIR: profileDir }
    : {};
  const profiles: Array<{ kind: string; child: ChildProcess }> = [];
  let profiling = false;
  try {
    const apart = opts.mockpay ? await startMockPayApart(stack, profiled) : null;
    if (apart) profiles.push({ kind: "mockpay", child: apart.mockpay.child });
    const servers = await startServers(stack, opts, { ...profiled, ...(apart?.shopEnv ?? {}) });
    for (const s of servers) profiles.push({ kind: "server", child: s.child });
    if (opts.workers !== false) {
      profiles.push({ kind: "workers", child: stack.addWorkers({ ...profiled, ...(apart?.shopEnv ?? {}) }).child });
    }
    return {
      stack,
      server: servers[0]!,
      servers,
      mockpayUrl: apart?.mockpay.url ?? null,
      profileStart: () => {
        if (!profileDir || profiling) return;
        profiling = true;
        for (const p of profiles) p.child.kill("SIGUSR2");
      },
      close: async () => {
        if (profileDir && profiling) await collectProfiles(profileDir, profiles);
        await stack.close();
      },
    };
  } catch (e) {
    await stack.close();
    throw e;
  }
}

/** The server nodes, one after the other; with MockPay apart only the first takes the port its
 * webhook URL names (the others reach MockPay at MOCKPAY_URL all the same). */
async function startServers(
  stack: TestStack,
  opts: BenchStackOptions,
  env: Record<string, string>,
): Promise<RunningServer[]> {
  const servers: RunningServer[] = [];
  for (let i = 0; i < Math.max(1, opts.nodes ?? 1); i++) {
    const { PORT: port, ...rest } = env;
    const server = await stack.addServer(i === 0 && port !== undefined ? { ...rest, PORT: port } : rest);
    if (opts.fdsMax && server.child.pid) raiseFds(server.child.pid, opts.fdsMax);
    servers.push(server);
  }
  return servers;
}

/** MockPay's process first: it must know the shop's webhook URL, so the shop's port is picked now. */
async function startMockPayApart(stack: TestStack, env: Record<string, string>) {
  const shopPort = await closedPort();
  const mockpay = await stack.addMockPay({
    ...env,
    MOCKPAY_WEBHOOK_URL: `http://127.0.0.1:${shopPort}/api/payments/webhook`,
  });
  return { mockpay, shopEnv: { PORT: String(shopPort), MOCKPAY_URL: mockpay.url } };
}

/** Asks each profiled process for its profile (the second SIGUSR2) and waits until it is written. */
async function collectProfiles(
  dir: string,
  profiles: ReadonlyArray<{ kind: string; child: ChildProcess }>,
): Promise<void> {
  for (const { kind, child } of profiles) {
    if (!child.pid) continue;
    const file = `${dir}/${kind}-${child.pid}.cpuprofile`;
    child.kill("SIGUSR2");
    for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
    console.log(existsSync(file) ? `${kind} CPU profile: ${file}` : `${kind} CPU profile: not written (${file})`);
  }
}

/** Raises a running process's open-files limit (root on this box): the server must hold N sockets. */
export function raiseFds(pid: number, fdsMax: number): void {
  try {
    execFileSync("prlimit", ["--pid", String(pid), `--nofile=${fdsMax}:${fdsMax}`]);
  } catch (e) {
    console.warn(`could not raise the open-files limit of ${pid}: ${(e as Error).message}`);
  }
}

export interface BenchEvent {
  id: string;
  classes: Array<{ id: string; code: string }>;
}

/** An on-sale event where admission is not the bottleneck (1M/min, the API maximum, slots ≥ fans). */
export async function benchEvent(
  url: string,
  opts: {
    name: string;
    classes: Array<{ code: string; capacity: number; perOrderMax?: number }>;
    waitingRoom?: Record<string, unknown>;
    status?: string;
  },
): Promise<BenchEvent> {
  return createEvent(url, stackAdmin, {
    name: opts.name,
    status: opts.status ?? "on_sale",
    classes: opts.classes.map((c) => ({
      code: c.code,
      name: c.code,
      priceCents: 1_000,
      capacity: c.capacity,
      perOrderMax: c.perOrderMax ?? 4,
    })),
    waitingRoom: {
      admitPerMinute: 1_000_000,
      maxActiveCheckouts: 1_000_000,
      admissionTtlSeconds: 3_600,
      holdSeconds: 600,
      perFanMax: 6,
      ...(opts.waitingRoom ?? {}),
    },
  });
}

/** Parses `--flag value` pairs. */
export function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
}
export const numFlag = (args: string[], name: string, def: number): number => Number(flag(args, name) ?? def);

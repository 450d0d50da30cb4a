// A Stampede for one benchmark run: the test harness's stack (own database, own Redis prefix, real
// server and workers processes on free ports) with per-IP limits raised for load from one box.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startStack, stackAdmin, type TestStack } from "@stampede/server/testing/stack";
import { basicAuth, createEvent } from "@stampede/server/testing/fans";
import type { RunningServer } from "@stampede/server/testing/processes";

export const benchStackEnv: Record<string, string> = {
  SESSION_LIMIT_PER_IP_PER_MINUTE: "10000000",
  JOIN_LIMIT_PER_IP_PER_MINUTE: "10000000",
  PRESENCE_GRACE_SECONDS: "3600",
  LOG_LEVEL: "warn",
};

export const adminAuth = basicAuth(stackAdmin.username, stackAdmin.password);

export interface BenchStack {
  stack: TestStack;
  server: RunningServer;
  /** Starts the server's CPU profile (when BENCH_CPU_PROFILE_DIR is set): call as the timed phase starts. */
  profileStart(): void;
  close(): Promise<void>;
}

/** Starts the stack, one server and (unless told otherwise) one workers process.
 * `BENCH_CPU_PROFILE_DIR=/tmp/prof` profiles the server (see lib/cpu-profile.mjs). */
export async function startBenchStack(opts: { workers?: boolean; env?: Record<string, string>; fdsMax?: number } = {}): Promise<BenchStack> {
  const stack = await startStack({ ...benchStackEnv, ...(opts.env ?? {}) });
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
  let profiling = false;
  try {
    const server = await stack.addServer(profileDir ? { NODE_OPTIONS: `--import ${fileURLToPath(new URL("./cpu-profile.mjs", import.meta.url))}`, BENCH_CPU_PROFILE_DIR: profileDir } : {});
    if (opts.fdsMax && server.child.pid) raiseFds(server.child.pid, opts.fdsMax);
    if (opts.workers !== false) stack.addWorkers();
    return {
      stack,
      server,
      profileStart: () => void (profileDir && !profiling && (profiling = true) && server.child.kill("SIGUSR2")),
      close: async () => {
        if (profiling && server.child.pid) {
          const file = `${profileDir}/server-${server.child.pid}.cpuprofile`;
          server.child.kill("SIGUSR2");
          for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
          console.log(`server CPU profile: ${file}`);
        }
        await stack.close();
      },
    };
  } catch (e) {
    await stack.close();
    throw e;
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
export async function benchEvent(url: string, opts: { name: string; classes: Array<{ code: string; capacity: number; perOrderMax?: number }>; waitingRoom?: Record<string, unknown>; status?: string }): Promise<BenchEvent> {
  return createEvent(url, stackAdmin, {
    name: opts.name,
    status: opts.status ?? "on_sale",
    classes: opts.classes.map((c) => ({ code: c.code, name: c.code, priceCents: 1_000, capacity: c.capacity, perOrderMax: c.perOrderMax ?? 4 })),
    waitingRoom: { admitPerMinute: 1_000_000, maxActiveCheckouts: 1_000_000, admissionTtlSeconds: 3_600, holdSeconds: 600, perFanMax: 6, ...(opts.waitingRoom ?? {}) },
  });
}

/** Parses `--flag value` pairs. */
export function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
}
export const numFlag = (args: string[], name: string, def: number): number => Number(flag(args, name) ?? def);

// Benchmark `challenge`: what the bot defence's proof-of-work costs. A fan's side: the time to
// solve a challenge at the default difficulty in Chromium with its CPU throttled 4× (a phone-class
// CPU; CDP Emulation.setCPUThrottlingRate), in the client's built Web Worker and, for comparison,
// on the page's own thread, unthrottled too. The server's side: verifications per second in-process
// (altcha-lib's verifySolution alone, then the whole JoinChallenge.check with its Redis claim) and
// challenges issued per second.
//   npm run build -w client && npm run bench -- challenge [--solves 12] [--difficulty 100000] [--verifies 5000]
import { createChallenge, verifySolution } from "altcha-lib/v1";
import { botDefenceDefaults } from "@stampede/shared/api/bot-defence";
import { JoinPressureStore } from "../server/src/adapters/redis/join-pressure.js";
import { JoinChallenge } from "../server/src/services/waiting-room/join-challenge.js";
import { createTestRedis } from "../server/test/support/services.js";
import { browserSolves, type BrowserChallenge, type Solve } from "./lib/challenge-browser.js";
import { machineInfo, writeResult, type Row } from "./lib/result.js";
import { numFlag } from "./lib/stack.js";
import { nowMs, round, summarize } from "./lib/stats.js";

const hmacKey = "bench-challenge-key-0123456789abcdef";
const eventId = "01920000-0000-7000-8000-00000000bench";

function configFrom(args: string[]) {
  return {
    solves: numFlag(args, "solves", 12),
    difficulty: numFlag(args, "difficulty", botDefenceDefaults.difficulty),
    verifies: numFlag(args, "verifies", 5_000),
    concurrency: numFlag(args, "concurrency", 50),
    throttle: numFlag(args, "throttle", 4),
  };
}
type Config = ReturnType<typeof configFrom>;

function solveRow(rate: number, thread: Solve["thread"], solves: Solve[], difficulty: number): Row {
  const mine = solves.filter((s) => s.thread === thread && s.number >= 0);
  const ms = summarize(mine.map((s) => s.ms));
  const hashes = mine.reduce((a, s) => a + s.number + 1, 0);
  const seconds = mine.reduce((a, s) => a + s.ms, 0) / 1_000;
  return {
    measure: thread === "worker" ? "solve in the Web Worker" : "solve on the page's thread",
    "CPU throttling": `${rate}×`,
    difficulty,
    solves: mine.length,
    "p50 ms": ms.p50Ms,
    "p90 ms": ms.p90Ms,
    "max ms": ms.maxMs,
    "hashes/s": Math.round(hashes / seconds),
    "ms for the worst case (difficulty)": Math.round((difficulty / hashes) * seconds * 1_000),
  };
}

/** A payload for a challenge made with a known number (no solving needed to verify it). */
async function payloadFor(fanId: string, expiresMs: number, difficulty: number): Promise<string> {
  const number = Math.floor(Math.random() * difficulty);
  const expires = new Date(expiresMs);
  const c = await createChallenge({
    hmacKey,
    maxnumber: difficulty,
    number,
    expires,
    params: { fan: fanId, event: eventId },
  });
  const payload = { algorithm: c.algorithm, challenge: c.challenge, number, salt: c.salt, signature: c.signature };
  return Buffer.from(JSON.stringify(payload)).toString("base64");
}

/** Runs `work` n times, `concurrency` at once; ops/s and this process's CPU per op. */
async function timed(n: number, concurrency: number, work: (i: number) => Promise<unknown>) {
  let next = 0;
  const cpu = process.cpuUsage();
  const started = nowMs();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await work(next++);
    }),
  );
  const seconds = (nowMs() - started) / 1_000;
  const used = process.cpuUsage(cpu);
  return { "ops/s": Math.round(n / seconds), "CPU µs each": round((used.user + used.system) / n, 1) };
}

async function serverRows(config: Config): Promise<Row[]> {
  const fans = Array.from({ length: config.verifies }, (_, i) => `fan-${i}`);
  const expiresMs = Date.now() + 600_000;
  const payloads = await Promise.all(fans.map((f) => payloadFor(f, expiresMs, config.difficulty)));
  const rows: Row[] = [];
  const bare = await timed(config.verifies, 1, (i) => verifySolution(payloads[i]!, hmacKey, false));
  rows.push({ measure: "verifySolution (altcha-lib: HMAC + hash), in-process", concurrency: 1, ...bare });
  const redis = await createTestRedis();
  try {
    const challenges = new JoinChallenge({
      settings: { get: async () => null, put: async () => {} },
      defaults: { ...botDefenceDefaults, mode: "always" },
      pressure: new JoinPressureStore(redis.client, redis.prefix),
      hmacKey,
      inRoom: async () => false,
      exists: async () => true,
    });
    const check = (i: number) => challenges.check(eventId, fans[i]!, "198.51.100.1", payloads[i]!);
    const full = await timed(config.verifies, config.concurrency, check);
    rows.push({
      measure: "JoinChallenge.check (verify + Redis SET NX claim)",
      concurrency: config.concurrency,
      ...full,
    });
    const issued = await timed(config.verifies, 1, (i) => challenges.issue(eventId, fans[i]!));
    rows.push({ measure: "issue a challenge (createChallenge)", concurrency: 1, ...issued });
  } finally {
    await redis.cleanup();
  }
  return rows;
}

export async function run(args: string[]): Promise<void> {
  const config = configFrom(args);
  const env = machineInfo();
  const startedAt = new Date().toISOString();
  const browserChallenges: BrowserChallenge[] = [];
  for (let i = 0; i < config.solves; i++) {
    const c = await createChallenge({ hmacKey, maxnumber: config.difficulty });
    browserChallenges.push({
      algorithm: c.algorithm,
      challenge: c.challenge,
      salt: c.salt,
      maxnumber: config.difficulty,
    });
  }
  const runs = await browserSolves(browserChallenges, [1, config.throttle]);
  const rowsAt = (rate: number) => {
    const solves = runs.find((r) => r.rate === rate)?.solves ?? [];
    return (["worker", "page"] as const).map((t) => solveRow(rate, t, solves, config.difficulty));
  };
  const server = await serverRows(config);
  writeResult({
    name: "challenge",
    title: `proof-of-work at the join: difficulty ${config.difficulty}, CPU throttled ${config.throttle}×`,
    startedAt,
    env,
    config,
    calibration: rowsAt(1),
    figures: [...rowsAt(config.throttle), ...server],
    notes: [
      "solve times are per challenge; the number found is uniform in 0..difficulty, so the mean work is half the worst case",
      "calibration: the same challenges in the same browser without CPU throttling",
      "server rows: one process on this box; CPU µs each is the bench process's own CPU per operation",
    ],
  });
}

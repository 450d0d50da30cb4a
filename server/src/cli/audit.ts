// `npm run audit [-- --event <id>] [--json] [--watch <seconds> [--every <seconds>] [--grace <seconds>]]`:
// the invariant audit against a live database, with the same configuration as the server
// (DATABASE_URL, LEDGER, TB_ADDRESS, TB_CLUSTER_ID). Every event that is not a draft (or the one
// named) is audited as GET /api/admin/events/:id/audit does: per tier available + held + sold =
// capacity, no oversell, and the ledger agreeing with the orders; perks within their budget.
// --watch samples that for a while (every --every seconds), then adds the settlement checks —
// every paid order has exactly its tickets, every captured payment ends paid or refunded, no hold
// outlives its expiry by 10 s — leaving out what happened in the last --grace seconds (60).
// Exit 0 when all is well, 1 on any problem, 2 on bad arguments or when the database cannot be read.
import { createPool, type Pool } from "../adapters/postgres/pool.js";
import { SqlState } from "../adapters/postgres/sqlstate.js";
import { createConfiguredLedger } from "../bootstrap.js";
import { ConfigError, loadConfig } from "../config.js";
import { auditEvents, auditTargets, UnknownEventError } from "../audit/events.js";
import { HistoryChecker } from "../audit/history.js";
import { auditLines, eventLines, historyLines } from "../audit/report.js";
import type { Ledger } from "@stampede/shared/ledger/port";

const usage =
  "usage: npm run audit -- [--event <id>] [--json] [--watch <seconds> [--every <seconds>] [--grace <seconds>]]";

class UsageError extends Error {}

interface Options {
  eventId?: string;
  json: boolean;
  watchSeconds: number | null;
  everySeconds: number;
  graceSeconds: number;
}

function parseArgs(argv: string[]): Options {
  const known = new Set(["--event", "--json", "--watch", "--every", "--grace"]);
  for (const [i, a] of argv.entries()) {
    const isValue = i > 0 && ["--event", "--watch", "--every", "--grace"].includes(argv[i - 1]!);
    if (!isValue && !known.has(a)) throw new UsageError(`unknown argument ${a}`);
  }
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    if (i === -1) return undefined;
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`--${name} needs a value`);
    return value;
  };
  const seconds = (name: string, fallback: number | null, min: number): number | null => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > 86_400)
      throw new UsageError(`--${name} must be a number of seconds from ${min} to 86400`);
    return n;
  };
  return {
    eventId: get("event"),
    json: argv.includes("--json"),
    watchSeconds: seconds("watch", null, 1),
    everySeconds: seconds("every", 1, 0.1)!,
    graceSeconds: seconds("grace", 60, 0)!,
  };
}

async function auditOnce(ledger: Ledger, pool: Pool, options: Options): Promise<boolean> {
  const audited = await auditEvents(ledger, pool, await auditTargets(pool, options.eventId));
  const ok = audited.every((a) => a.audit.ok);
  const events = audited.map((a) => ({ name: a.event.name, status: a.event.status, ...a.audit }));
  if (options.json) console.log(JSON.stringify({ ok, checkedAt: new Date().toISOString(), events }, null, 2));
  else for (const line of auditLines(audited)) console.log(line);
  return ok;
}

async function watch(ledger: Ledger, pool: Pool, options: Options, seconds: number): Promise<boolean> {
  const startedMs = Date.now();
  await auditTargets(pool, options.eventId); // an unknown --event is refused before the wait
  const history = new HistoryChecker({ ledger, pool, eventId: options.eventId, everyMs: options.everySeconds * 1000 });
  if (!options.json) console.log(`audit: sampling every ${options.everySeconds} s for ${seconds} s…`);
  history.start();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const result = await history.finish(options.graceSeconds);
  const ok = result.violations.length === 0;
  const final = result.final.map((a) => a.audit);
  if (options.json)
    console.log(JSON.stringify({ ok, startedAt: new Date(startedMs).toISOString(), ...result, final }, null, 2));
  else for (const line of [...result.final.flatMap(eventLines), ...historyLines(result, startedMs)]) console.log(line);
  return ok;
}

/** Why the database could not be read, in one line, or null when the error is something else. */
function unreadable(err: unknown, databaseUrl: string): string | null {
  const e = err as { code?: string; message?: string };
  const where = new URL(databaseUrl).host;
  if (e.code === SqlState.invalidCatalogName) return `the database in DATABASE_URL (${where}) does not exist`;
  if (e.code === SqlState.undefinedTable)
    return `the database at ${where} has no Stampede tables (start the server once to migrate it)`;
  const unreachable = /^(08|57P|28|ECONN|ENOTFOUND|EAI_AGAIN|ETIMEDOUT)/;
  if (e.code && unreachable.test(e.code))
    return `cannot read PostgreSQL at ${where} (DATABASE_URL): ${e.message ?? e.code}`;
  if (/timeout|terminated|connect/i.test(e.message ?? ""))
    return `cannot read PostgreSQL at ${where} (DATABASE_URL): ${e.message}`;
  return null;
}

async function main(): Promise<number> {
  let options: Options;
  let config;
  try {
    options = parseArgs(process.argv.slice(2));
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof ConfigError)) throw err;
    console.error(`audit: ${err.message}\n${usage}`);
    return 2;
  }
  const pool = createPool(config.databaseUrl, { max: 2, applicationName: "stampede-audit", connectTimeoutMs: 5_000 });
  const ledger = createConfiguredLedger(config);
  try {
    const { watchSeconds } = options;
    const ok =
      watchSeconds === null ? await auditOnce(ledger, pool, options) : await watch(ledger, pool, options, watchSeconds);
    return ok ? 0 : 1;
  } catch (err) {
    if (err instanceof UnknownEventError) {
      console.error(`audit: ${err.message}`);
      return 2;
    }
    const why = unreadable(err, config.databaseUrl);
    if (why === null) throw err;
    console.error(`audit: ${why}`);
    return 2;
  } finally {
    await ledger.close().catch(() => {});
    await pool.end().catch(() => {});
  }
}

process.exit(
  await main().catch((err: unknown) => {
    console.error(err);
    return 2;
  }),
);

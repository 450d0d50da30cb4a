// `npm run demo:crowd [-- --fans 300 --url http://127.0.0.1:3000 --event <id> --admin user:pass
// --admit-per-minute 60 --minutes 6]`: a crowd of simulated fans for the demo, through the public
// HTTP + Socket.IO contract, so the event page shows places moving and the admin dashboard shows
// the sale live. It first slows the event's admission (admin API) so a queue forms, restores it at
// the end, prints one progress line every few seconds, stops when every fan is done or the time is
// up, and stops cleanly on Ctrl-C (fans still waiting leave the queue).
//
// All fans come from this machine's one address, and new fan sessions are limited per address
// (SESSION_LIMIT_PER_IP_PER_MINUTE, 120 by default) against bots. The crowd keeps to that limit
// instead of the demo lifting it: it creates at most --sessions-per-minute (100) new sessions a
// minute, leaving room for the real browsers on this machine, and waits out a 429 as a browser
// would. A few hundred fans therefore arrive over a few minutes, as a real crowd does.
import { basicAuth, call, describe } from "./fan-client.js";
import { newTally, runFan, type CrowdEvent, type Tally } from "./crowd-fan.js";

interface Options {
  url: string;
  fans: number;
  eventId: string | null;
  admin: string;
  admitPerMinute: number;
  minutes: number;
  sessionsPerMinute: number;
}

const progressEveryMs = 5_000;
const usage = [
  "usage: npm run demo:crowd --",
  "[--fans 300] [--url http://127.0.0.1:3000] [--event <id>] [--admin admin:<password>]",
  "[--admit-per-minute 60] [--minutes 6] [--sessions-per-minute 100]",
].join(" ");

function parseArgs(argv: string[]): Options {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i === -1 ? undefined : argv[i + 1];
  };
  const num = (name: string, fallback: number, max: number) => {
    const raw = get(name);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${name} must be a whole number from 1 to ${max}`);
    return n;
  };
  return {
    url: (get("url") ?? "http://127.0.0.1:3000").replace(/\/$/, ""),
    fans: num("fans", 300, 5_000),
    eventId: get("event") ?? null,
    admin: get("admin") ?? "admin:stampede-dev-admin",
    admitPerMinute: num("admit-per-minute", 60, 100_000),
    minutes: num("minutes", 6, 120),
    sessionsPerMinute: num("sessions-per-minute", 100, 100_000),
  };
}

interface AdminEvent extends CrowdEvent {
  name: string;
  status: string;
  waitingRoom: { admitPerMinute: number; admission?: "auto" | "manual" };
}

/** The event to crowd: --event, else the demo event, else the first on sale. */
async function findEvent(options: Options, auth: string): Promise<AdminEvent> {
  const res = await call(options.url, "/api/admin/events", { auth });
  if (res.status !== 200) throw new Error(`cannot list events as admin (${describe(res)}); pass --admin user:password`);
  const events = res.json.events as Array<AdminEvent & { slug: string }>;
  const event = options.eventId
    ? events.find((e) => e.id === options.eventId)
    : (events.find((e) => e.slug === "demo-night" && e.status === "on_sale") ??
      events.find((e) => e.status === "on_sale"));
  if (!event) throw new Error(options.eventId ? `no event ${options.eventId}` : "no event on sale; pass --event <id>");
  if (event.status !== "on_sale") throw new Error(`"${event.name}" is ${event.status}, not on sale`);
  return event;
}

/** A fixed rate (manual), or back to what the event had: its mode and its rate (auto's start rate). */
function setAdmission(
  options: Options,
  auth: string,
  eventId: string,
  admission: { admitPerMinute: number; admission?: "auto" | "manual" },
) {
  return call(options.url, `/api/admin/events/${eventId}/waiting-room`, { method: "PATCH", auth, body: admission });
}

function progressLine(t: Tally, fans: number, startedMs: number): string {
  const d = t.done;
  const s = Math.round((Date.now() - startedMs) / 1000);
  const room = `${t.arrived}/${fans} arrived, ${t.waiting} waiting, ${t.admitted} admitted`;
  const outcomes = [
    `${d.paid} paid`,
    `${d.declined} declined`,
    `${d.abandoned} abandoned holds`,
    `${d.left} left the queue`,
    `${d.sold_out} found it sold out`,
    ...(d.stopped ? [`${d.stopped} sent home (stop)`] : []),
    ...(d.failed ? [`${d.failed} failed`] : []),
  ];
  return `crowd ${s}s: ${room} — ${outcomes.join(", ")}`;
}

/** Starts fans no faster than the session budget allows (a rolling minute). */
async function arrive(
  options: Options,
  start: () => Promise<unknown>,
  stopping: () => boolean,
): Promise<Array<Promise<unknown>>> {
  const running: Array<Promise<unknown>> = [];
  const startedAt: number[] = [];
  for (let i = 0; i < options.fans && !stopping(); i++) {
    const inWindow = startedAt.filter((t) => Date.now() - t < 60_000);
    if (inWindow.length >= options.sessionsPerMinute) {
      const until = inWindow[0]! + 60_000 + 50;
      while (Date.now() < until && !stopping()) await new Promise((r) => setTimeout(r, 250));
      if (stopping()) break;
    }
    startedAt.push(Date.now());
    running.push(start());
    // A little spread within a burst, so places fill in one after another.
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
  }
  return running;
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    process.exit(2);
  }
  const auth = basicAuth(options.admin);
  const event = await findEvent(options, auth);
  const before = event.waitingRoom.admitPerMinute;
  const restore = { admitPerMinute: before, admission: event.waitingRoom.admission ?? "manual" };
  const restoreHint =
    `curl -u '${options.admin.split(":")[0]}:…' -X PATCH -H 'content-type: application/json' ` +
    `-d '${JSON.stringify(restore)}' ${options.url}/api/admin/events/${event.id}/waiting-room`;
  const slowed = await setAdmission(options, auth, event.id, {
    admitPerMinute: options.admitPerMinute,
    admission: "manual",
  });
  if (slowed.status !== 200) throw new Error(`cannot slow admission: ${describe(slowed)}`);
  const slowedFrom = `admission slowed from ${before} to ${options.admitPerMinute} a minute so a queue forms (restored at the end)`;
  const stops = `stops after ${options.minutes} min or when every fan is done; Ctrl-C stops it.`;
  console.log(
    `crowd: ${options.fans} fans for "${event.name}" (${options.url}/events/${event.id}); ${slowedFrom}; ${stops}`,
  );

  const tally = newTally();
  const startedMs = Date.now();
  let stopping = false;
  const stop = (why: string) => {
    if (!stopping) console.log(`crowd: stopping (${why}); fans still waiting leave the queue…`);
    stopping = true;
  };
  let firstSignalMs = 0;
  const onSignal = () => {
    // npm relays the terminal's Ctrl-C as well: a copy within 2 s is the same request.
    if (firstSignalMs && Date.now() - firstSignalMs < 2_000) return;
    if (firstSignalMs) {
      console.log(
        `crowd: stopped at once; admission is still ${options.admitPerMinute}/min — restore it with:\n  ${restoreHint}`,
      );
      process.exit(1);
    }
    firstSignalMs = Date.now();
    stop("Ctrl-C");
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const deadline = setTimeout(() => stop(`${options.minutes} min are up`), options.minutes * 60_000);
  const progress = setInterval(() => console.log(progressLine(tally, options.fans, startedMs)), progressEveryMs);

  const fans = await arrive(
    options,
    () => runFan({ base: options.url, event, tally, stopping: () => stopping }),
    () => stopping,
  );
  await Promise.all(fans);
  clearTimeout(deadline);
  clearInterval(progress);
  console.log(progressLine(tally, options.fans, startedMs));
  for (const e of tally.errors) console.log(`crowd: a fan failed: ${e}`);
  const restored = await setAdmission(options, auth, event.id, restore).catch(() => null);
  console.log(
    restored?.status === 200
      ? `crowd: done; admission restored (${restore.admission}, ${before} a minute).`
      : `crowd: done; could not restore admission — run:\n  ${restoreHint}`,
  );
  process.exit(0);
}

await main().catch((err: unknown) => {
  console.error(`crowd: ${(err as Error).message}`);
  process.exit(1);
});

// The waiting room's Lua scripts, read once at module load and registered on a connection with
// ioredis defineCommand (EVALSHA, falling back to EVAL when Redis does not know the script yet).
// Every key a script touches carries its event's hash tag, so on a Redis Cluster one node runs it.
// Each starts with a `#!lua` shebang (Redis 7): without one, a cluster lets a script reach a key of
// another slot as long as that node happens to hold it — a mis-tagged key would work until the
// slots move. With it the cluster refuses any key outside the script's slot (cluster-slots.test.ts).
// The read-only ones say `flags=no-writes`, so they still answer on a full Redis.
import { readFileSync } from "node:fs";
import { assert } from "@stampede/shared/assert";
import type { Redis } from "../connection.js";

type Arg = string | number;
type Command = (...args: Arg[]) => Promise<unknown>;

const scripts = {
  wrJoin: { file: "join.lua", keys: 8 },
  wrLeave: { file: "leave.lua", keys: 7 },
  wrAdmit: { file: "admit.lua", keys: 9 },
  wrRelease: { file: "release.lua", keys: 2 },
  wrSnapshot: { file: "snapshot.lua", keys: 8 },
  wrSetPreQueue: { file: "set-pre-queue.lua", keys: 2 },
  wrOpenPreQueue: { file: "open-pre-queue.lua", keys: 4 },
  wrPlace: { file: "place.lua", keys: 3 },
  wrTakeDepartures: { file: "take-departures.lua", keys: 2 },
  wrRestoreRoom: { file: "restore-room.lua", keys: 6 },
  wrRestoreFan: { file: "restore-fan.lua", keys: 7 },
} as const;

export type WaitingRoomCommands = Record<keyof typeof scripts, Command>;

const sources = Object.fromEntries(
  Object.entries(scripts).map(([name, s]) => {
    const lua = readFileSync(new URL(s.file, import.meta.url), "utf8");
    assert(lua.startsWith("#!lua"), `${s.file} must start with a #!lua shebang (see above)`);
    return [name, lua];
  }),
) as Record<keyof typeof scripts, string>;

/** Registers the scripts on this connection (again is harmless) and returns it typed with them. */
export function withWaitingRoomCommands(redis: Redis): Redis & WaitingRoomCommands {
  // ioredis would prefix the KEYS but not the per-fan key base passed in ARGV: the scripts
  // would write fan hashes outside the event's keys. Prefixes are passed explicitly instead.
  assert(!redis.options.keyPrefix, "waiting-room connections must not set ioredis keyPrefix");
  for (const [name, s] of Object.entries(scripts) as [keyof typeof scripts, (typeof scripts)[keyof typeof scripts]][]) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: s.keys, lua: sources[name] });
  }
  return redis as Redis & WaitingRoomCommands;
}

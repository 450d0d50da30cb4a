// A leadership lease in Redis: exactly one node runs an event's tickers at a time. The holder
// renews it each tick; if the holder dies the key expires and another node takes it over within
// two lease periods (one to expire, one for the next tick to grab it).
import { randomUUID } from "node:crypto";
import type { Redis } from "../../adapters/redis/connection.js";

// KEYS[1] lease key · ARGV[1] this node's id · ARGV[2] lease ms
// returns 1 when this node holds the lease after the call (acquired or renewed), else 0.
const acquireOrRenew = `
local holder = redis.call("GET", KEYS[1])
if holder == ARGV[1] then
  redis.call("PEXPIRE", KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
return 1`;

// KEYS[1] lease key · ARGV[1] this node's id · returns 1 when released (only the holder may).
const release = `
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0`;

export class Lease {
  readonly nodeId = randomUUID();

  constructor(
    private readonly redis: Redis,
    private readonly leaseMs: number,
  ) {}

  async hold(key: string): Promise<boolean> {
    return (await this.redis.eval(acquireOrRenew, 1, key, this.nodeId, String(this.leaseMs))) === 1;
  }

  async release(key: string): Promise<void> {
    await this.redis.eval(release, 1, key, this.nodeId);
  }
}

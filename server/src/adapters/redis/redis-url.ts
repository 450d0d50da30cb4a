// Where Redis is, from the one setting REDIS_URL: a single server (`redis://…`, `rediss://…`, as
// ioredis reads it) or a Redis Cluster (`redis+cluster://[user:password@]host:port,host:port,…`,
// the seed nodes; the client finds the rest). One switch for every process and every test
// harness that already passes REDIS_URL on. WHATWG URL refuses a comma-separated host list, so
// the cluster form is parsed here; config.ts validates with it, connection.ts builds from it.

export interface RedisNodeAddress {
  host: string;
  port: number;
}

export type RedisTarget =
  | { kind: "single"; url: string }
  | { kind: "cluster"; nodes: RedisNodeAddress[]; username?: string; password?: string };

export const redisClusterScheme = "redis+cluster:";

const nodePattern = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** Parses REDIS_URL; throws an Error naming what is wrong. */
export function parseRedisUrl(url: string): RedisTarget {
  if (!url.startsWith(`${redisClusterScheme}//`)) {
    const u = new URL(url); // throws on a malformed URL
    if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
      throw new Error(`unknown scheme ${u.protocol} (redis:, rediss: or ${redisClusterScheme})`);
    }
    return { kind: "single", url };
  }
  const rest = url.slice(`${redisClusterScheme}//`.length);
  const at = rest.lastIndexOf("@");
  const auth = at >= 0 ? rest.slice(0, at) : null;
  // A cluster has only database 0: a path other than "/" or "/0" would be silently ignored.
  const [hosts = "", path = ""] = rest.slice(at + 1).split("/", 2);
  if (path !== "" && path !== "0") throw new Error("a Redis Cluster has only database 0");
  const nodes = hosts.split(",").map(parseNode);
  const target: RedisTarget = { kind: "cluster", nodes };
  if (auth !== null) {
    const colon = auth.indexOf(":");
    const username = decodeURIComponent(colon >= 0 ? auth.slice(0, colon) : auth);
    if (username) target.username = username;
    if (colon >= 0) target.password = decodeURIComponent(auth.slice(colon + 1));
  }
  return target;
}

function parseNode(text: string): RedisNodeAddress {
  const m = nodePattern.exec(text);
  const port = Number(m?.[2]);
  if (!m || port < 1 || port > 65_535) throw new Error(`bad cluster node "${text}" (host:port expected)`);
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
}

/** Null when url is a usable REDIS_URL, else why not (for the config's error list). */
export function redisUrlProblem(url: string): string | null {
  try {
    parseRedisUrl(url);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** "host:port" (a cluster: each seed node's, comma-separated), for messages. */
export function redisDisplayAddress(url: string): string {
  const target = parseRedisUrl(url);
  if (target.kind === "cluster") return target.nodes.map((n) => `${n.host}:${n.port}`).join(",");
  const u = new URL(target.url);
  return `${u.hostname || "127.0.0.1"}:${u.port || 6379}`;
}

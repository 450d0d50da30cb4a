// Schema-driven HTTP fuzzing for end-to-end tests: values shaped by an operation's JSON Schema
// (from the app's own OpenAPI document), the same values broken the ways clients break them,
// hostile path segments and query strings, and a raw HTTP client that sends paths as written
// (fetch would normalise `..` and re-encode `%`).
import { request } from "node:http";
import fc from "fast-check";

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
}

const shortMax = 24;

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === "date-time")
    return fc
      .date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
      .map((d) => d.toISOString());
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
  if (schema.format === "email") return fc.emailAddress().filter((e) => e.length <= (schema.maxLength ?? 254));
  if (schema.format === "uuid") return fc.uuid();
  const minLength = schema.minLength ?? 0;
  return fc.string({ minLength, maxLength: Math.max(minLength, Math.min(schema.maxLength ?? shortMax, shortMax)) });
}

/** Real values (ids, codes) by property name, mixed into generated objects so requests reach past lookups. */
export type KnownValues = Record<string, readonly string[]>;

/** Values the schema accepts (near enough: a pattern's generator may overshoot a length bound). */
export function valueOf(schema: JsonSchema, known: KnownValues = {}): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return fc.oneof(...choices.map((s) => valueOf(s, known)));
  if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((type) => valueOf({ ...schema, type }, known)));
  switch (schema.type) {
    case "string":
      return stringOf(schema);
    case "integer":
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case "number":
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(valueOf(schema.items ?? {}, known), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
      });
    case "object": {
      const props = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([k, s]) => {
          const real = known[k];
          return [k, real?.length ? fc.oneof(valueOf(s, known), fc.constantFrom(...real)) : valueOf(s, known)];
        }),
      );
      return fc.record(props, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const nested = (depth: number): unknown => {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

/** A value a client should never send: wrong type, edge number, NUL, huge, deep, unicode. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    2 ** 53 + 2,
    1e21,
    "",
    "\u0000",
    "a\u0000b",
    "😀",
    "..",
    "../../etc/passwd",
    "' OR 1=1 --",
    "{}",
    [],
    {},
    [[[]]],
    { $gt: "" },
  ),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.integer({ min: 1_000, max: 60_000 }).map((n) => "x".repeat(n)),
  fc.integer({ min: 50, max: 3_000 }).map(nested),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);

type Path = Array<string | number>;

function pathsOf(value: unknown, at: Path = []): Path[] {
  const here = [at];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...at, i]))];
  if (value && typeof value === "object")
    return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...at, k]))];
  return here;
}

export type Mutation = "replace" | "delete" | "extra" | "wrap";

/** The value with one spot broken: replaced by `bad`, deleted, given an extra field, or buried. */
export function mutate(value: unknown, pick: number, how: Mutation, bad: unknown): unknown {
  const copy: unknown = structuredClone(value);
  const paths = pathsOf(copy);
  const path = paths[pick % paths.length] ?? [];
  if (path.length === 0)
    return how === "wrap"
      ? [copy]
      : how === "extra" && copy && typeof copy === "object"
        ? { ...copy, extra: bad }
        : bad;
  const parent = path
    .slice(0, -1)
    .reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], copy) as Record<string | number, unknown>;
  const key = path.at(-1) as string | number;
  if (how === "delete") {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (how === "extra") {
    if (Array.isArray(parent)) parent.push(bad);
    else parent.extraField = bad;
  } else if (how === "wrap") parent[key] = { value: parent[key] };
  else parent[key] = bad;
  return copy;
}

export interface RawBody {
  contentType: string | null;
  body: string;
}

/** Bodies that are not the JSON the route wants: broken, empty, too big, the wrong media type. */
export const rawBodies: fc.Arbitrary<RawBody> = fc.oneof(
  fc
    .constantFrom("{", '{"a":', "nul", "[1,]", '"', "{'a':1}", "\u0000", "null", "[]", '"str"', "1", "true", "")
    .map((body) => ({ contentType: "application/json", body })),
  fc
    .integer({ min: 100, max: 20_000 })
    .map((n) => ({ contentType: "application/json", body: "[".repeat(n) + "]".repeat(n) })),
  fc.constant({ contentType: "application/json", body: JSON.stringify({ pad: "x".repeat(200_000) }) }),
  fc
    .constantFrom(
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/json; charset=latin-9",
    )
    .map((contentType) => ({ contentType, body: "a=b&c=%00" })),
  fc.constantFrom('{"a":1}', '{"__proto__":{"admin":true}}').map((body) => ({ contentType: null, body })),
  fc.constant({
    contentType: "application/json",
    body: '{"__proto__":{"role":"admin"},"constructor":{"prototype":{}}}',
  }),
);

/** A path segment as it goes on the wire: a real id, a random uuid, or something hostile (raw, not re-encoded). */
export function pathSegment(realIds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...realIds), weight: 3 },
    fc.uuid(),
    fc.uuid().map((u) => u.toUpperCase()),
    fc.constantFrom(
      "%00",
      "%",
      "%zz",
      "..",
      "%2e%2e",
      ".",
      "%2F",
      "%20",
      "null",
      "0",
      "-1",
      "1e308",
      "%E2%82",
      "a%00b",
      "{x}",
      "%7B%7D",
      "__proto__",
      "ps_%00",
      "evt_1",
    ),
    fc.string({ unit: "grapheme", maxLength: 40 }).map(encodeURIComponent),
    fc.integer({ min: 100, max: 8_000 }).map((n) => "x".repeat(n)),
    fc.constant(""),
  );
}

/** A query-string part for one parameter: absent, a schema value, hostile, repeated, or nested. */
export function queryPart(name: string, schema: JsonSchema): fc.Arbitrary<string> {
  const enc = (v: unknown) => encodeURIComponent(typeof v === "string" ? v : (JSON.stringify(v) ?? ""));
  return fc.oneof(
    fc.constant(""),
    valueOf(schema).map((v) => `${name}=${enc(v)}`),
    hostile.map((v) => `${name}=${enc(v)}`),
    fc.constantFrom(`${name}=%00`, `${name}=%`, `${name}=a&${name}=b`, `${name}[x]=1`, `${name}[]=1`, `${name}`),
  );
}

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
}

/** One request exactly as given; the response read whole. */
export function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers["content-type"] ?? ""),
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The error code of a JSON error body, or null when the body is not one. */
export function errorCodeOf(res: RawResponse): string | null {
  if (!res.contentType.startsWith("application/json")) return null;
  try {
    const body = JSON.parse(res.text) as { error?: { code?: unknown } };
    return typeof body.error?.code === "string" ? body.error.code : null;
  } catch {
    return null;
  }
}

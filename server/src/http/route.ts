// Declares a route once: its schemas validate the request (422 invalid_request naming the field;
// a path that fails its params schema names nothing, so 404 not_found), type what the handler
// answers, and feed the OpenAPI document. Handlers receive parsed, typed input that PostgreSQL can
// store (no NUL characters), and return the JSON answer their 2xx schemas describe.
import type { Request, RequestHandler, Response, Router } from "express";
import type { z } from "zod";
import type { ErrorBody } from "@stampede/shared/errors";
import { HttpError } from "./errors.js";
import type { HttpMethod, OpenApiRegistry, OperationDoc } from "./openapi.js";

type Schema = z.ZodType | undefined;
type Parsed<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;
type Responses = OperationDoc["responses"];

type SuccessStatus = 200 | 201 | 202 | 203 | 206;
type SchemaOf<D> = D extends { schema: infer S extends z.ZodType } ? S : never;
type SuccessSchemas<R> = { [K in keyof R]: K extends SuccessStatus ? SchemaOf<R[K]> : never }[keyof R];

/** The JSON a route's 2xx answers carry, from the schemas it declares; unknown when it declares none. */
export type ResponseBody<R> = [SuccessSchemas<R>] extends [never] ? unknown : z.output<SuccessSchemas<R>>;

/** What a handler returns: the JSON answer (sent with the status it set, 200 unless it set another),
 * or nothing when it answered itself (a 204, an image, an answer replayed from storage). */
export type RouteAnswer<R> = ResponseBody<R> | Response | void;

export interface RouteSpec<B extends Schema, Q extends Schema, P extends Schema, R extends Responses> extends Omit<
  OperationDoc,
  "body" | "query" | "params" | "responses"
> {
  method: HttpMethod;
  body?: B;
  query?: Q;
  params?: P;
  responses: R;
  /** Guards run before validation (authentication, roles, CSRF, rate limits). */
  guards?: RequestHandler[];
}

export interface RouteInput<B extends Schema, Q extends Schema, P extends Schema> {
  body: Parsed<B>;
  query: Parsed<Q>;
  params: Parsed<P>;
}

/** `res` too is typed by the declared answers: what a handler sends itself is a 2xx body or an ErrorBody. */
export type RouteHandler<B extends Schema, Q extends Schema, P extends Schema, R extends Responses> = (
  input: RouteInput<B, Q, P>,
  req: Request,
  res: Response<ResponseBody<R> | ErrorBody>,
) => RouteAnswer<R> | Promise<RouteAnswer<R>>;

type Where = "params" | "query" | "body";
type Issue = { path: PropertyKey[]; message: string };

function describeIssues(where: Where, rawIssues: Issue[]): HttpError {
  const issues = rawIssues.map((i) => ({ field: [where, ...i.path.map(String)].join("."), message: i.message }));
  const first = issues[0];
  const message = first ? `${first.field}: ${first.message}` : `${where} is invalid`;
  if (where === "params") return new HttpError(404, "not_found", `nothing here: ${message}`, { issues });
  return new HttpError(422, "invalid_request", message, { issues });
}

/** Where a string holding U+0000 sits in the value, or null. PostgreSQL text cannot hold one and
 * no field of ours needs one, so it is refused here rather than failing a query later. */
export function nulCharacterAt(value: unknown, path: PropertyKey[] = []): PropertyKey[] | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (value === null || typeof value !== "object") return null;
  for (const [key, item] of Object.entries(value)) {
    const found = nulCharacterAt(item, [...path, key]);
    if (found) return found;
  }
  return null;
}

function parse<S extends Schema>(schema: S, value: unknown, where: Where): Parsed<S> {
  if (!schema) return undefined as Parsed<S>;
  const result = schema.safeParse(value);
  if (!result.success) throw describeIssues(where, result.error.issues);
  const nul = nulCharacterAt(result.data);
  if (nul) throw describeIssues(where, [{ path: nul, message: "must not contain a NUL character" }]);
  return result.data as Parsed<S>;
}

export function defineRoute<
  B extends Schema = undefined,
  Q extends Schema = undefined,
  P extends Schema = undefined,
  R extends Responses = Responses,
>(router: Router, registry: OpenApiRegistry, spec: RouteSpec<B, Q, P, R>, handler: RouteHandler<B, Q, P, R>): void {
  const { guards = [], ...doc } = spec;
  registry.add(doc);
  const route = `${spec.method.toUpperCase()} ${spec.path}`;
  const check = registry.responseCheck;
  const run: RequestHandler = async (req, res) => {
    // Watching before parsing: a refused request's error answer is held to ErrorBody too.
    check?.watch(route, spec.responses, req, res);
    const input: RouteInput<B, Q, P> = {
      params: parse(spec.params as P, req.params, "params"),
      query: parse(spec.query as Q, req.query, "query"),
      body: parse(spec.body as B, req.body ?? {}, "body"),
    };
    const answer = await handler(input, req, res);
    if (answer !== undefined && !res.headersSent) res.json(answer);
  };
  router[spec.method](spec.path, ...guards, run);
}

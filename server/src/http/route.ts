// Declares a route once: its schemas validate the request (422 invalid_request naming the field)
// and feed the OpenAPI document. Handlers receive parsed, typed input.
import type { Request, RequestHandler, Response, Router } from "express";
import type { z } from "zod";
import { HttpError } from "./errors.js";
import type { HttpMethod, OpenApiRegistry, OperationDoc } from "./openapi.js";

type Schema = z.ZodType | undefined;
type Parsed<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<B extends Schema, Q extends Schema, P extends Schema> extends Omit<OperationDoc, "body" | "query" | "params"> {
  method: HttpMethod;
  body?: B;
  query?: Q;
  params?: P;
  /** Guards run before validation (authentication, roles, CSRF, rate limits). */
  guards?: RequestHandler[];
}

export interface RouteInput<B extends Schema, Q extends Schema, P extends Schema> {
  body: Parsed<B>;
  query: Parsed<Q>;
  params: Parsed<P>;
}

export type RouteHandler<B extends Schema, Q extends Schema, P extends Schema> = (
  input: RouteInput<B, Q, P>,
  req: Request,
  res: Response,
) => unknown;

function describeIssues(where: string, error: z.ZodError): HttpError {
  const issues = error.issues.map((i) => ({ field: [where, ...i.path].join("."), message: i.message }));
  const first = issues[0];
  const message = first ? `${first.field}: ${first.message}` : `${where} is invalid`;
  return new HttpError(422, "invalid_request", message, { issues });
}

function parse<S extends Schema>(schema: S, value: unknown, where: string): Parsed<S> {
  if (!schema) return undefined as Parsed<S>;
  const result = schema.safeParse(value);
  if (!result.success) throw describeIssues(where, result.error);
  return result.data as Parsed<S>;
}

export function defineRoute<B extends Schema = undefined, Q extends Schema = undefined, P extends Schema = undefined>(
  router: Router,
  registry: OpenApiRegistry,
  spec: RouteSpec<B, Q, P>,
  handler: RouteHandler<B, Q, P>,
): void {
  const { guards = [], ...doc } = spec;
  registry.add(doc);
  const run: RequestHandler = async (req, res) => {
    const input: RouteInput<B, Q, P> = {
      params: parse(spec.params as P, req.params, "params"),
      query: parse(spec.query as Q, req.query, "query"),
      body: parse(spec.body as B, req.body ?? {}, "body"),
    };
    await handler(input, req, res);
  };
  router[spec.method](spec.path, ...guards, run);
}

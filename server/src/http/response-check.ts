// Holds every JSON answer of a declared route to what the route declares: a 2xx to its status's
// schema, an error to the shared ErrorBody. The types make a handler build the declared shape; this
// catches what types cannot (a spread record with an extra field, a negative count, a local time, an
// answer replayed from storage) before a client does. A mismatch is logged at error level with the
// route and zod's issues, and counted (stampede_http_response_mismatches_total) so tests can assert
// there were none. It parses each answer, so production leaves it off unless asked (RESPONSE_CHECK).
import type { Request, Response } from "express";
import { Counter, type Registry } from "prom-client";
import type { z } from "zod";
import { errorBody } from "@stampede/shared/api/errors";

/** What the check reads of a route's declared responses (openapi.ts ResponseDoc). */
export type ResponseDocs = Record<number, { description: string; schema?: z.ZodType }>;

export interface ResponseMismatch {
  /** METHOD /path as declared (express style). */
  route: string;
  status: number;
  issues: Array<{ path: string; message: string }>;
}

/** What an answer with this status should parse with; null when the route leaves it undescribed. */
function schemaFor(responses: ResponseDocs, status: number): z.ZodType | "undeclared" | null {
  if (status >= 400) return errorBody;
  if (status < 200 || status >= 300) return null;
  const declared = responses[status];
  if (!declared) return "undeclared";
  return declared.schema ?? null;
}

/** The mismatch of one answer, or null when it is what the route declares. */
export function responseMismatch(
  route: string,
  responses: ResponseDocs,
  status: number,
  body: unknown,
): ResponseMismatch | null {
  const schema = schemaFor(responses, status);
  if (schema === null) return null;
  if (schema === "undeclared")
    return { route, status, issues: [{ path: "", message: `the route does not declare status ${status}` }] };
  const parsed = schema.safeParse(body);
  if (parsed.success) return null;
  return {
    route,
    status,
    issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
  };
}

export class ResponseCheck {
  private count = 0;
  private readonly counter: Counter;

  constructor(metrics: Registry) {
    this.counter = new Counter({
      name: "stampede_http_response_mismatches_total",
      help: "JSON answers that did not parse with the schema their route declares (only counted while RESPONSE_CHECK is on)",
      registers: [metrics],
    });
  }

  /** Mismatches seen by this process so far. */
  get mismatches(): number {
    return this.count;
  }

  /** Checks whatever this response sends as JSON, the error handler's answer included. */
  watch(route: string, responses: ResponseDocs, req: Request, res: Response): void {
    const send = res.json.bind(res);
    res.json = (body?: unknown) => {
      const mismatch = responseMismatch(route, responses, res.statusCode, body);
      if (mismatch) {
        this.count += 1;
        this.counter.inc();
        req.log?.error(
          { responseMismatch: mismatch },
          `${route} answered ${mismatch.status} with a body its schema does not describe`,
        );
      }
      return send(body);
    };
  }
}

// OpenAPI 3.1 generated from the same zod schemas the routes validate with and answer with, so
// the document can never drift from what the server accepts; what it answers is held to the
// declared schemas by the handlers' types and, where it is on, the response check.
import { z } from "zod";
import { errorBody } from "@stampede/shared/api/errors";
import type { ResponseCheck } from "./response-check.js";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export interface OperationDoc {
  method: HttpMethod;
  path: string; // express style: /api/events/:eventId
  summary: string;
  tags: string[];
  security?: "admin" | "fan" | "order" | "none";
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /** Per status: the JSON answer's schema (z.unknown() in the document when absent), or the media
   * type of an answer that is not JSON (an image, a key). Errors need no schema: they are ErrorBody. */
  responses: Record<number, ResponseDoc>;
}

export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

function jsonSchema(schema: z.ZodType, io: "input" | "output"): unknown {
  return z.toJSONSchema(schema, { io, unrepresentable: "any" });
}

function parametersOf(schema: z.ZodType | undefined, location: "path" | "query"): unknown[] {
  if (!schema) return [];
  const json = jsonSchema(schema, "input") as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: location,
    required: location === "path" || (json.required ?? []).includes(name),
    schema: s,
  }));
}

const securityFor = {
  admin: [{ adminCookie: [] }, { basic: [] }],
  fan: [{ bearer: [] }, { fanCookie: [] }],
  order: [{ bearer: [] }],
  none: [],
} as const;

const errorBodyRef = { $ref: "#/components/schemas/ErrorBody" };

/** One response's document: JSON by its schema, errors by the one ErrorBody, no content for a 204. */
function responseDoc(status: number, r: ResponseDoc): unknown {
  if (status === 204) return { description: r.description };
  if (r.contentType) return { description: r.description, content: { [r.contentType]: {} } };
  const schema = r.schema
    ? jsonSchema(r.schema, "output")
    : status >= 400
      ? errorBodyRef
      : jsonSchema(z.unknown(), "output");
  return { description: r.description, content: { "application/json": { schema } } };
}

export class OpenApiRegistry {
  private readonly operations: OperationDoc[] = [];

  /** responseCheck: holds each answer of the routes declared here to their schemas (response-check.ts). */
  constructor(readonly responseCheck: ResponseCheck | null = null) {}

  add(op: OperationDoc): void {
    this.operations.push(op);
  }

  document(info: { title: string; version: string; serverUrl: string }): unknown {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const op of this.operations) {
      const path = op.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
      const responses = Object.fromEntries(
        Object.entries(op.responses).map(([status, r]) => [status, responseDoc(Number(status), r)]),
      );
      (paths[path] ??= {})[op.method] = {
        summary: op.summary,
        tags: op.tags,
        security: securityFor[op.security ?? "none"],
        parameters: [...parametersOf(op.params, "path"), ...parametersOf(op.query, "query")],
        ...(op.body
          ? {
              requestBody: {
                required: true,
                content: { "application/json": { schema: jsonSchema(op.body, "input") } },
              },
            }
          : {}),
        responses,
      };
    }
    return {
      openapi: "3.1.0",
      info: { title: info.title, version: info.version },
      servers: [{ url: info.serverUrl }],
      components: {
        securitySchemes: {
          basic: { type: "http", scheme: "basic" },
          bearer: { type: "http", scheme: "bearer" },
          adminCookie: { type: "apiKey", in: "cookie", name: "stampede_admin" },
          fanCookie: { type: "apiKey", in: "cookie", name: "stampede_fan" },
        },
        schemas: { ErrorBody: jsonSchema(errorBody, "output") },
      },
      paths,
    };
  }
}

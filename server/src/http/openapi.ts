// OpenAPI 3.1 generated from the same zod schemas the routes validate with, so the document can
// never drift from what the server accepts.
import { z } from "zod";

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
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

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

export class OpenApiRegistry {
  private readonly operations: OperationDoc[] = [];

  add(op: OperationDoc): void {
    this.operations.push(op);
  }

  document(info: { title: string; version: string; serverUrl: string }): unknown {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const op of this.operations) {
      const path = op.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
      const responses = Object.fromEntries(
        Object.entries(op.responses).map(([status, r]) => [
          status,
          {
            description: r.description,
            content: { "application/json": { schema: jsonSchema(r.schema ?? (Number(status) >= 400 ? errorSchema : z.unknown()), "output") } },
          },
        ]),
      );
      (paths[path] ??= {})[op.method] = {
        summary: op.summary,
        tags: op.tags,
        security: securityFor[op.security ?? "none"],
        parameters: [...parametersOf(op.params, "path"), ...parametersOf(op.query, "query")],
        ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(op.body, "input") } } } } : {}),
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
      },
      paths,
    };
  }
}

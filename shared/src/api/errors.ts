// The contract's error body as a schema, declared once: the OpenAPI document's ErrorBody for every
// 4xx/5xx, and what the server's response check holds each error answer to.
import { z } from "zod";
import { errorCodes, type ErrorBody } from "../errors.js";

export const errorBody: z.ZodType<ErrorBody> = z.strictObject({
  error: z.strictObject({ code: z.enum(errorCodes), message: z.string(), details: z.unknown().optional() }),
});

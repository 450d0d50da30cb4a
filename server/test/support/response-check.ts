// The response check (http/response-check.ts) as an end-to-end test reads it from a server
// process: the mismatches it counted, and its log lines naming them (route, status, zod's issues).
import { expect } from "vitest";

/** Mismatches the server at `url` has counted; null when its check is off (nothing was checked). */
export async function responseMismatches(url: string): Promise<number | null> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const count = /^stampede_http_response_mismatches_total (\S+)$/m.exec(text)?.[1];
  return count === undefined ? null : Number(count);
}

/** The check's lines in a process's output, to say which answers did not match. */
export function mismatchLines(output: string): string {
  return output
    .split("\n")
    .filter((line) => line.includes('"responseMismatch"'))
    .join("\n");
}

/** The end-to-end check after a test: every answer the stack's first server gave matched its route's
 * declared schema (0, not null: the check is on under NODE_ENV=test); otherwise its lines say which. */
export async function expectAnswersMatchSchemas(served: {
  url: string;
  stack: { servers: ReadonlyArray<{ output(): string }> };
}): Promise<void> {
  expect(await responseMismatches(served.url), mismatchLines(served.stack.servers[0]!.output())).toBe(0);
}

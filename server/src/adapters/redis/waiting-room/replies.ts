// Reading script replies: a reply of the wrong shape is a bug in a script or its caller, so it
// fails an assertion rather than becoming a wrong value.
import { assert } from "@stampede/shared/assert";

export function list(reply: unknown, length?: number): unknown[] {
  assert(
    Array.isArray(reply) && (length === undefined || reply.length === length),
    `unexpected script reply ${JSON.stringify(reply)}`,
  );
  return reply;
}

export function int(value: unknown): number {
  const n = typeof value === "string" ? Number(value) : value;
  assert(typeof n === "number" && Number.isSafeInteger(n), `not an integer: ${String(value)}`);
  return n;
}

export function str(value: unknown): string {
  assert(typeof value === "string", `not a string: ${String(value)}`);
  return value;
}

export function checkTime(nowMs: number): void {
  assert(Number.isSafeInteger(nowMs) && nowMs >= 0, `bad nowMs ${nowMs}`);
}

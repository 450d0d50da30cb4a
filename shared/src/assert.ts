// Programmer errors crash loudly; outcomes (sold out, expired, …) are returned, never thrown.
export class AssertionError extends Error {
  override name = "AssertionError";
}

export function assert(condition: unknown, message = "assertion failed"): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function unreachable(value: never, message = "unreachable"): never {
  throw new AssertionError(`${message}: ${JSON.stringify(value)}`);
}

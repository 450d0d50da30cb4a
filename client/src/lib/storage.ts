// sessionStorage behind a small port: per tab, gone when the tab closes — the right lifetime for
// a fan token mirror and an order's private link. Storage can be missing or full; the page then
// works without it, it only forgets sooner.

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The browser's sessionStorage, or null when reading it throws (storage disabled). */
export function browserSessionStorage(): KeyValueStorage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null; // SecurityError when storage is disabled: callers treat null as "no storage"
  }
}

export function readJson(storage: KeyValueStorage | null, key: string): unknown {
  const text = storage?.getItem(key) ?? null;
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null; // written by an older build or by hand: treated as absent
  }
}

/** Returns whether it was stored (false: no storage, or quota exceeded). */
export function writeJson(storage: KeyValueStorage | null, key: string, value: unknown): boolean {
  if (storage === null) return false;
  try {
    storage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false; // QuotaExceededError: the caller decides whether that matters
  }
}

/** An in-memory storage for tests. */
export function memoryStorage(): KeyValueStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

export const storageKeys = {
  fanSession: "stampede:fan",
  queueStart: (eventId: string) => `stampede:queue-start:${eventId}`,
  /** The fan's last place in an event's line (its signed placeToken): a rebuilt room gives it back. */
  place: (eventId: string) => `stampede:place:${eventId}`,
  order: (orderId: string) => `stampede:order:${orderId}`,
  lastOrder: "stampede:last-order",
} as const;

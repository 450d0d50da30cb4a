// Time for the state classes, injected so tests can drive it. The default reads the real clock
// and timers at call time, so vitest's fake timers (vi.useFakeTimers) drive it too.

export type TimerHandle = ReturnType<typeof globalThis.setTimeout>;

export interface Clock {
  nowMs(): number;
  setTimeout(run: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(run: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle),
  setInterval: (run, ms) => globalThis.setInterval(run, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle),
};

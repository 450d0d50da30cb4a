// Goal: a join answered challenge_required runs the browser check — fetch the fan's challenge,
// solve it (a fake solver here, reporting progress), join again once with the solution — and the
// fan sees the place; the solution is sent with one join only; a check that cannot be done asks
// the fan to try again instead of looping. Fake sockets, fetch and timers.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApi } from "./api.js";
import type { ChallengeSolver } from "./challenge-solver.js";
import { memoryStorage } from "./storage.js";
import { apiError, event, fakeFetch, fakeSession, fakeSockets, json, queueEntry } from "./test-support.js";
import { WaitingRoom } from "./waiting-room.svelte.js";

const challenge = {
  algorithm: "SHA-256",
  challenge: "c".repeat(64),
  maxnumber: 1000,
  salt: "s?fan=f1&event=e1&expires=1",
  signature: "sig",
  expiresAt: "2030-03-14T18:02:00.000Z",
};

function setup(solver: ChallengeSolver, challengeAnswer = () => json(200, challenge)) {
  let refusals = 1;
  const sockets = fakeSockets((name, payload) => {
    if (name !== "queue:join") return undefined;
    const solved = (payload as { challenge?: string }).challenge !== undefined;
    if (!solved && refusals-- > 0) return { ok: false, error: { code: "challenge_required", message: "solve" } };
    return { ok: true, data: queueEntry() };
  });
  const fetch = fakeFetch((call) =>
    call.path.endsWith("/challenge") ? challengeAnswer() : apiError(404, "not_found"),
  );
  const room = new WaitingRoom({
    event: () => event(),
    api: createApi({ fetch }),
    session: fakeSession(),
    createSocket: sockets.create,
    storage: memoryStorage(),
    solver,
  });
  return { room, sockets, fetch };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("browser check at the join", () => {
  it("solves the challenge with progress, joins again once with the solution, and shows the place", async () => {
    let finish: (n: number) => void = () => {};
    const solver: ChallengeSolver = (_c, progress) => {
      progress(0.25);
      return new Promise((resolve) => (finish = resolve));
    };
    const { room, sockets, fetch } = setup(solver);
    await room.start();
    sockets.latest().serverConnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(room.browserCheck.state).toBe("checking");
    expect(room.browserCheck.progress).toBe(0.25);
    expect(room.phase).toBe("starting");
    expect(room.problem).toBeNull();
    expect(fetch.calls.find((c) => c.path === "/api/events/e1/challenge")?.headers.Authorization).toBe(
      "Bearer token-1",
    );
    finish(42);
    await vi.advanceTimersByTimeAsync(0);
    const joins = sockets.latest().emitted("queue:join") as Array<{ challenge?: string }>;
    expect(joins).toHaveLength(2);
    const sent = JSON.parse(atob(joins[1]?.challenge ?? "")) as Record<string, unknown>;
    expect(sent).toEqual({
      algorithm: "SHA-256",
      challenge: challenge.challenge,
      number: 42,
      salt: challenge.salt,
      signature: "sig",
    });
    expect(room.phase).toBe("waiting");
    expect(room.browserCheck.take()).toEqual({}); // used once, then forgotten
    room.destroy();
  });

  it("asks the fan to try again when the challenge cannot be fetched (no loop)", async () => {
    const solver = vi.fn<ChallengeSolver>(async () => 1);
    const { room, sockets } = setup(solver, () => apiError(503, "not_ready"));
    await room.start();
    sockets.latest().serverConnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(solver).not.toHaveBeenCalled();
    expect(room.browserCheck.state).toBe("failed");
    expect(room.problem).toMatchObject({ code: "challenge_required", retryable: true });
    expect(sockets.latest().emitted("queue:join")).toHaveLength(1);
    room.destroy();
  });
});

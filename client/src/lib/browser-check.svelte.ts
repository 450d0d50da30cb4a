// The "Checking your browser…" step of joining: when a join answers challenge_required (the
// event's bot defence is raised) the page fetches a proof-of-work challenge for this fan, solves it
// in a Web Worker with progress, and the next join carries the solution — once: a solution counts
// for one join only, so take() hands it out and forgets it. I/O (api, session, solver) is injected.
import type { Api } from "./api.js";
import type { ChallengeSolver } from "./challenge-solver.js";
import * as endpoints from "./endpoints.js";

export interface BrowserCheckDeps {
  api: Pick<Api, "get">;
  eventId: string;
  fanToken: () => string | null;
  solver: ChallengeSolver;
}

export type BrowserCheckState = "idle" | "checking" | "done" | "failed";

/** The payload ALTCHA's verifiers read: base64 of the challenge's JSON with the number found. */
function solutionPayload(c: { algorithm: string; challenge: string; salt: string; signature: string }, n: number) {
  const json = JSON.stringify({
    algorithm: c.algorithm,
    challenge: c.challenge,
    number: n,
    salt: c.salt,
    signature: c.signature,
  });
  return btoa(json);
}

export class BrowserCheck {
  state = $state<BrowserCheckState>("idle");
  /** Share of the challenge's search space tried so far (0..1); the answer is usually found about halfway. */
  progress = $state(0);
  #deps: BrowserCheckDeps;
  #solution: string | null = null;
  #running: Promise<boolean> | null = null;

  constructor(deps: BrowserCheckDeps) {
    this.#deps = deps;
  }

  /** The solution for the next join, handed out once; nothing when there is none. */
  take(): { challenge?: string } {
    const solution = this.#solution;
    this.#solution = null;
    return solution === null ? {} : { challenge: solution };
  }

  /** Fetches a challenge and solves it; true once a solution waits for the next join. One run at a time. */
  run(): Promise<boolean> {
    this.#running ??= this.#solve().finally(() => (this.#running = null));
    return this.#running;
  }

  async #solve(): Promise<boolean> {
    this.state = "checking";
    this.progress = 0;
    const d = this.#deps;
    const fetched = await d.api.get(endpoints.joinChallenge(d.eventId), {
      headers: { Authorization: `Bearer ${d.fanToken() ?? ""}` },
    });
    if (!fetched.ok) {
      this.state = "failed";
      return false;
    }
    const number = await d.solver(fetched.data, (fraction) => (this.progress = Math.max(this.progress, fraction)));
    if (number === null) {
      this.state = "failed";
      return false;
    }
    this.#solution = solutionPayload(fetched.data, number);
    this.progress = 1;
    this.state = "done";
    return true;
  }
}

// Solving the join's proof-of-work challenge in a Web Worker (challenge-worker.ts): the page's
// side of the messages, as a function the browser check calls (tests pass their own).
import type { ChallengeView } from "@stampede/shared/api/bot-defence";

export type SolverRequest = Pick<ChallengeView, "algorithm" | "challenge" | "salt" | "maxnumber">;
export type SolverReply = { kind: "progress"; tried: number } | { kind: "solved"; number: number } | { kind: "failed" };

/** Finds the challenge's number; calls `progress` with the share of the search space tried (0..1). Null: not found. */
export type ChallengeSolver = (
  challenge: SolverRequest,
  progress: (fraction: number) => void,
) => Promise<number | null>;

/** The real solver: one module Worker per challenge, ended once it answers. */
export const workerSolver: ChallengeSolver = (challenge, progress) =>
  new Promise((resolve) => {
    const worker = new Worker(new URL("./challenge-worker.ts", import.meta.url), { type: "module" });
    const finish = (number: number | null) => {
      worker.terminate();
      resolve(number);
    };
    worker.onmessage = (event: MessageEvent<SolverReply>) => {
      const reply = event.data;
      if (reply.kind === "progress") progress(Math.min(1, reply.tried / (challenge.maxnumber + 1)));
      else finish(reply.kind === "solved" ? reply.number : null);
    };
    worker.onerror = () => finish(null);
    const { algorithm, challenge: hash, salt, maxnumber } = challenge;
    worker.postMessage({ algorithm, challenge: hash, salt, maxnumber } satisfies SolverRequest);
  });

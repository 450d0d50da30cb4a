// The browser check's Web Worker: solves the join's proof-of-work challenge (ALTCHA, with
// altcha-lib's own solver) off the page's thread, a slice of the search space at a time, and posts
// how much it has tried after each slice so the page can show progress. One challenge per message.
import { solveChallenge } from "altcha-lib/v1";
import type { SolverReply, SolverRequest } from "./challenge-solver.js";

/** Numbers tried between two progress messages. */
const sliceSize = 2_000;

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<SolverRequest>) => void) | null;
  postMessage(reply: SolverReply): void;
};

async function solve({ algorithm, challenge, salt, maxnumber }: SolverRequest): Promise<void> {
  for (let start = 0; start <= maxnumber; start += sliceSize) {
    const end = Math.min(maxnumber, start + sliceSize - 1);
    const found = await solveChallenge(challenge, salt, algorithm, end, start).promise;
    if (found) return scope.postMessage({ kind: "solved", number: found.number });
    scope.postMessage({ kind: "progress", tried: end + 1 });
  }
  scope.postMessage({ kind: "failed" });
}

scope.onmessage = (event) => void solve(event.data);

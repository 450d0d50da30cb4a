// How many more tickets a fan may hold for an event: read from their allowance account.
//
//   issuer ──fund perFanMax──▶ allowance(fan) ──hold q (pending)──▶ allowance_used
//   allowance_used ──return q (refund)──▶ allowance(fan)
//
// The account is funded with perFanMax at the fan's first hold; holds and paid orders debit it,
// refunds credit it back. A fan who never held has no account yet, so all of perFanMax is left.
import type { Account } from "../ledger/types.js";

export function allowanceLeft(
  account: Pick<Account, "credits_posted" | "debits_posted" | "debits_pending"> | null,
  perFanMax: number,
): number {
  if (account === null) return Math.max(0, perFanMax);
  const left = account.credits_posted - account.debits_posted - account.debits_pending;
  return left <= 0n ? 0 : Number(left);
}

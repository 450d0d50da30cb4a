// A hold request retried after a crash or an ambiguous failure places the same order id again.
// The ledger answers that with `exists`; this reads whether the hold it placed then is still
// pending, and until when, so the order gets the ledger's expiry — not a fresh one.
import { childTransferId } from "@stampede/shared/core/ledger-ids";
import type { HoldRef } from "@stampede/shared/core/ledger-plans";
import type { Ledger } from "@stampede/shared/ledger/port";

const nsPerMs = 1_000_000n;

/** When the earlier hold ends (epoch ms), or null when it was posted, voided or has timed out. */
export async function earlierHoldExpiry(ledger: Ledger, hold: HoldRef, nowMs: number): Promise<number | null> {
  // A settling chain is linked, so its first transfer exists exactly when the whole chain does.
  const ids = [
    childTransferId(hold.holdId, "allowance"),
    childTransferId(hold.holdId, "post/0"),
    childTransferId(hold.holdId, "void/0"),
  ];
  const found = await ledger.lookupTransfers(ids);
  const pending = found.find((t) => t.id === ids[0]);
  if (!pending || found.length > 1) return null;
  const expiresAtMs = Number((pending.timestamp + BigInt(pending.timeout) * 1_000_000_000n) / nsPerMs);
  return expiresAtMs > nowMs ? expiresAtMs : null;
}

// What a resale listing may ask and what its buyer pays: the cap is a share of the ticket's face
// value (rounded down to the cent: never above the share), the fee a share of the price (rounded
// half up). Pure; the server enforces it and the sell form shows the same figures.
import { assert } from "../assert.js";

const wholeCents = (n: number, what: string): void =>
  assert(Number.isSafeInteger(n) && n >= 0, `${what} must be whole cents ≥ 0, got ${n}`);

/** The highest price a ticket of this face value may be listed at. */
export function resaleCapCents(faceValueCents: number, priceCapPercent: number): number {
  wholeCents(faceValueCents, "face value");
  return Math.floor((faceValueCents * priceCapPercent) / 100);
}

/** What the buyer pays on top of the price. */
export function resaleFeeCents(priceCents: number, feePercent: number): number {
  wholeCents(priceCents, "price");
  return Math.round((priceCents * feePercent) / 100);
}

// How many tickets of one tier a fan may pick: the quantity dropdown's choices.

export interface QuantityLimits {
  /** The tier's limit per order. */
  perOrderMax: number;
  /** What is left of the tier now. */
  available: number;
  /** What the fan may still hold for this event: the per-fan limit minus what they hold or bought. */
  fanLeft: number;
  /** Tickets of other tiers already picked in this order (they count against fanLeft too). */
  pickedElsewhere: number;
}

/** The most of this tier the fan can pick now; never below 0. */
export function maxQuantity(l: QuantityLimits): number {
  return Math.max(0, Math.min(l.perOrderMax, l.available, l.fanLeft - l.pickedElsewhere));
}

/** The dropdown's choices: 0 (none of this tier) up to `max`, plus the current pick if a limit fell under it. */
export function quantityOptions(max: number, current: number): number[] {
  return Array.from({ length: Math.max(0, max, current) + 1 }, (_, i) => i);
}

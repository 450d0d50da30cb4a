// The event page's FanOrdersSlot, handed down through Svelte context (see fan-orders.svelte.ts).
import { getContext, setContext } from "svelte";
import { FanOrdersSlot } from "./fan-orders.svelte.js";

const key = Symbol("stampede fan orders");

/** Called by the event page: a slot for its children to fill and read. */
export function provideFanOrders(): FanOrdersSlot {
  return setContext(key, new FanOrdersSlot());
}

/** The page's slot, or null outside a page that provides one. */
export function fanOrdersSlot(): FanOrdersSlot | null {
  return getContext<FanOrdersSlot | undefined>(key) ?? null;
}

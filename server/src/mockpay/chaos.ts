// Chaos knobs of the simulated provider (all off by default): the ways a real provider's webhooks
// misbehave, so the shop's inbox is tested against them — duplicated, delayed, reordered, and
// attempts lost on the network. Pure decisions with an injected random source, so tests pin them.
import { assert } from "@stampede/shared/assert";
import { mockpayChaosDuplicatesMax, mockpayChaosReorderSpreadMs } from "@stampede/shared/limits";

export interface ChaosSettings {
  /** Chance of each extra copy of an event (0..1); copies stop at the first miss or at the cap. */
  duplicateRate: number;
  /** Every delivery waits this long before its first attempt. */
  delayMs: number;
  /** Adds a random 0..delayMs (or 0..1 s when no delay is set) per delivery, so later events can overtake earlier ones. */
  reorder: boolean;
  /** Chance that one delivery attempt is lost before it is sent, as a network failure would be (0..1). */
  failRate: number;
}

export const noChaos: ChaosSettings = { duplicateRate: 0, delayMs: 0, reorder: false, failRate: 0 };

export function assertChaos(chaos: ChaosSettings): void {
  assert(chaos.duplicateRate >= 0 && chaos.duplicateRate <= 1, "chaos.duplicateRate must be within 0..1");
  assert(chaos.failRate >= 0 && chaos.failRate <= 1, "chaos.failRate must be within 0..1");
  assert(Number.isSafeInteger(chaos.delayMs) && chaos.delayMs >= 0, "chaos.delayMs must be a whole number of ms ≥ 0");
}

export interface PlannedDelivery {
  /** BullMQ job id: the event id for the real delivery, `<evt>-dup-<n>` for chaos copies (no ':' allowed). */
  jobId: string;
  delayMs: number;
}

function extraCopies(rate: number, random: () => number): number {
  let copies = 0;
  while (copies < mockpayChaosDuplicatesMax && random() < rate) copies += 1;
  return copies;
}

/** The deliveries of one new event: always the event itself, plus chaos copies, each with its delay. */
export function planDeliveries(eventId: string, chaos: ChaosSettings, random: () => number): PlannedDelivery[] {
  const copies = chaos.duplicateRate > 0 ? extraCopies(chaos.duplicateRate, random) : 0;
  const spreadMs = chaos.delayMs > 0 ? chaos.delayMs : mockpayChaosReorderSpreadMs;
  const planned: PlannedDelivery[] = [];
  for (let n = 0; n <= copies; n++) {
    const jitterMs = chaos.reorder ? Math.floor(random() * (spreadMs + 1)) : 0;
    planned.push({ jobId: n === 0 ? eventId : `${eventId}-dup-${n}`, delayMs: chaos.delayMs + jitterMs });
  }
  return planned;
}

/**
 * Whether this attempt is lost before sending. The last allowed attempt is never dropped: chaos
 * simulates a flaky network, and must not turn "at least once" into "never".
 */
export function dropAttempt(failRate: number, isLastAttempt: boolean, random: () => number): boolean {
  return !isLastAttempt && failRate > 0 && random() < failRate;
}

// How a waiting room admits, as an operator types it: automatic (the room steers its own rate from
// the checkout's health, between a floor and a ceiling, starting from a rate) or a fixed rate. One
// class for the New event form and the dashboard's admission card, checked by the server's own
// rules and words (shared/src/api/event-rules.ts; floor ≤ ceiling as shared/src/api/events.ts).
import { eventRules as rules, ruleWords as words } from "@stampede/shared/api/event-rules";
import type { AdmissionMode, WaitingRoomSettings } from "@stampede/shared/api/events";
import { wholeNumber } from "./field-errors.js";
import type { FormCheck } from "./form-check.js";

/** The fields, named as the API names them (a 422's field lands on the same key). */
export type AdmissionKey = "admitPerMinute" | "admitPerMinuteFloor" | "admitPerMinuteCeiling";

/** What the request carries: a fixed rate, or the start, floor and ceiling of the steered one. */
export type AdmissionSettings =
  | { admission: "manual"; admitPerMinute: number }
  | { admission: "auto"; admitPerMinute: number; admitPerMinuteFloor: number; admitPerMinuteCeiling: number };

export type AdmissionFigures = Pick<
  WaitingRoomSettings,
  "admission" | "admitPerMinute" | "admitPerMinuteFloor" | "admitPerMinuteCeiling"
>;

/** The server's defaults for a new event (shared/src/api/events.ts admissionDefaults; a unit test keeps them equal).
 * Not imported from there: that module builds zod schemas, which stay out of the pages' bundle. */
export const admissionFormDefaults: AdmissionFigures = {
  admission: "auto",
  admitPerMinute: 600,
  admitPerMinuteFloor: 60,
  admitPerMinuteCeiling: 60_000,
};

/** The choice as an operator reads it, with one sentence on what each mode does. */
export const admissionChoices: ReadonlyArray<{ mode: AdmissionMode; label: string; short: string; explain: string }> = [
  {
    mode: "auto",
    label: "Automatic (recommended)",
    short: "Automatic",
    explain:
      "Stampede admits as fast as checkout keeps up, between the floor and the ceiling, " +
      "and never more fans than the tickets left can serve.",
  },
  {
    mode: "manual",
    label: "Fixed rate",
    short: "Fixed rate",
    explain: "Stampede admits exactly this many fans a minute, even when checkout struggles.",
  },
];

export function admissionChoice(mode: AdmissionMode): (typeof admissionChoices)[number] {
  return admissionChoices.find((c) => c.mode === mode) ?? (admissionChoices[0] as (typeof admissionChoices)[number]);
}

export class AdmissionInputs {
  mode = $state<AdmissionMode>("auto");
  /** Manual: the rate. Auto: where the room starts steering from. */
  admitPerMinute = $state("");
  admitPerMinuteFloor = $state("");
  admitPerMinuteCeiling = $state("");

  explain = $derived(admissionChoice(this.mode).explain);

  constructor(figures: AdmissionFigures = admissionFormDefaults) {
    this.fill(figures);
  }

  fill(figures: AdmissionFigures): void {
    this.mode = figures.admission;
    this.admitPerMinute = String(figures.admitPerMinute);
    this.admitPerMinuteFloor = String(figures.admitPerMinuteFloor);
    this.admitPerMinuteCeiling = String(figures.admitPerMinuteCeiling);
  }

  /** The settings to send, or undefined with the problems in `check` (keys `prefix` + field). Fixed: only the rate counts. */
  settings(check: FormCheck, prefix = ""): AdmissionSettings | undefined {
    const rate = (key: AdmissionKey): number | undefined =>
      check.whole(`${prefix}${key}`, this[key], rules.admitPerMinute);
    const admitPerMinute = rate("admitPerMinute");
    if (this.mode === "manual")
      return admitPerMinute === undefined ? undefined : { admission: "manual", admitPerMinute };
    const floor = rate("admitPerMinuteFloor");
    const ceiling = rate("admitPerMinuteCeiling");
    if (floor !== undefined && ceiling !== undefined && floor > ceiling) {
      check.fail(`${prefix}admitPerMinuteFloor`, words.floorCeiling);
      return undefined;
    }
    if (admitPerMinute === undefined || floor === undefined || ceiling === undefined) return undefined;
    return { admission: "auto", admitPerMinute, admitPerMinuteFloor: floor, admitPerMinuteCeiling: ceiling };
  }

  /** Whether saving would change what the event has (a field that doesn't read as a number counts as a change). */
  differsFrom(figures: AdmissionFigures): boolean {
    if (this.mode !== figures.admission || wholeNumber(this.admitPerMinute) !== figures.admitPerMinute) return true;
    if (this.mode === "manual") return false;
    const floor = wholeNumber(this.admitPerMinuteFloor);
    return (
      floor !== figures.admitPerMinuteFloor || wholeNumber(this.admitPerMinuteCeiling) !== figures.admitPerMinuteCeiling
    );
  }
}

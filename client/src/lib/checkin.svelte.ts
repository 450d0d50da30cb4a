// The door: a ticket code — the short code printed under the QR (typed as the steward likes: any
// case, dashes or not; the server reads O as 0 and I/L as 1) or the QR's own code (pasted or read
// by the camera) — goes to `POST /api/admin/checkin` and comes back as an answer a steward can
// read from across the room — admitted (with the tier), already checked in (with the first
// scan's time), for another event, refunded, not a valid ticket — or a plain-words problem to
// retry. A door set up for one event (`eventId`) refuses other events' tickets. The camera reads
// the same code many times a second, so a code just answered is not sent again for a moment.
import { plainMessage, type Api, type ApiError } from "./api.js";
import * as endpoints from "./endpoints.js";
import { systemClock, type Clock } from "./clock.js";

export type ScanResult =
  | { kind: "admitted"; classCode: string; checkedInAt: string }
  | { kind: "already"; checkedInAt: string | null; classCode: string | null }
  | { kind: "wrong_event"; classCode: string | null }
  | { kind: "refunded"; classCode: string | null }
  | { kind: "invalid" }
  | { kind: "error"; message: string };

export interface ScanLine {
  key: number;
  code: string;
  atMs: number;
  result: ScanResult;
}

/** The camera sends the same code again only after this long (the steward moved on, or rescans). */
export const cameraRepeatMs = 4_000;
/** Answers kept in the "recent scans" list. */
export const scanHistoryMax = 10;

export interface CheckInDeps {
  api: Pick<Api, "post">;
  clock?: Clock;
  onUnauthorized?: () => void;
  /** The event this door admits to; without it any event's ticket is admitted. */
  eventId?: string | null;
}

export class CheckIn {
  code = $state("");
  checking = $state(false);
  /** The latest answer, shown big. */
  last = $state.raw<ScanLine | null>(null);
  /** Newest first. */
  history = $state.raw<ScanLine[]>([]);

  #deps: CheckInDeps;
  #clock: Clock;
  #seq = 0;
  #lastCamera: { code: string; atMs: number } | null = null;

  constructor(deps: CheckInDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
  }

  /** The typed or pasted code; clears the field on an answer so the next can be typed at once. */
  async submit(): Promise<ScanResult | null> {
    const result = await this.check(this.code);
    if (result !== null && result.kind !== "error") this.code = "";
    return result;
  }

  /** A code the camera read; repeats of the same code within `cameraRepeatMs` are ignored. */
  async scanned(code: string): Promise<ScanResult | null> {
    const now = this.#clock.nowMs();
    const trimmed = code.trim();
    if (this.#lastCamera && this.#lastCamera.code === trimmed && now - this.#lastCamera.atMs < cameraRepeatMs)
      return null;
    this.#lastCamera = { code: trimmed, atMs: now };
    return this.check(trimmed);
  }

  async check(raw: string): Promise<ScanResult | null> {
    const code = raw.trim();
    if (code === "" || this.checking) return null;
    this.checking = true;
    const answer = await this.#deps.api.post(
      endpoints.checkin(),
      this.#deps.eventId ? { code, eventId: this.#deps.eventId } : { code },
    );
    this.checking = false;
    const result: ScanResult = answer.ok
      ? { kind: "admitted", classCode: answer.data.classCode, checkedInAt: answer.data.checkedInAt }
      : this.#refusal(answer.error);
    const line: ScanLine = { key: (this.#seq += 1), code, atMs: this.#clock.nowMs(), result };
    this.last = line;
    this.history = [line, ...this.history].slice(0, scanHistoryMax);
    return result;
  }

  #refusal(error: ApiError): ScanResult {
    const details = (error.details ?? {}) as { checkedInAt?: unknown; classCode?: unknown; refunded?: unknown };
    const classCode = typeof details.classCode === "string" ? details.classCode : null;
    switch (error.code) {
      case "already_checked_in":
        return {
          kind: "already",
          checkedInAt: typeof details.checkedInAt === "string" ? details.checkedInAt : null,
          classCode,
        };
      case "wrong_event":
        return { kind: "wrong_event", classCode };
      case "invalid_ticket":
        return details.refunded === true ? { kind: "refunded", classCode } : { kind: "invalid" };
      case "unauthorized":
        this.#deps.onUnauthorized?.();
        return { kind: "error", message: plainMessage(error) };
      case "forbidden":
        return { kind: "error", message: "Your account isn't allowed to check tickets in." };
      default:
        return { kind: "error", message: plainMessage(error) };
    }
  }
}

// The operator's controls of one event on the dashboard: the event itself, the status moves the
// workflow allows from where it is (shared/src/core/event-status.ts, the server's own table), the
// admission settings (automatic or a fixed rate, floor and ceiling, checkout slots) with save, and
// the invariant audit on demand.
// Writes need the admin role; the page hides them from viewers. I/O is the injected Api.
import { eventRules, inRange, type WholeRange } from "@stampede/shared/api/event-rules";
import { allowedTransitions } from "@stampede/shared/core/event-status";
import { AdmissionInputs } from "./admission-inputs.svelte.js";
import { plainMessage, type Api, type ApiError } from "./api.js";
import * as endpoints from "./endpoints.js";
import { fieldErrorsFrom, type FieldErrors } from "./field-errors.js";
import { FormCheck } from "./form-check.js";
import { systemClock, type Clock } from "./clock.js";
import { Loader } from "./loader.svelte.js";
import type { AuditView, EventStatus, EventView } from "./views.js";

export interface StatusAction {
  to: EventStatus;
  label: string;
  /** Cannot be undone: the page asks first. */
  destructive: boolean;
  /** The question the confirmation asks. */
  confirm: string | null;
}

/** The buttons for the moves the workflow allows from `from`, in the order an operator reads them. */
export function statusActions(from: EventStatus): StatusAction[] {
  const order: EventStatus[] = ["on_sale", "scheduled", "paused", "draft", "closed", "cancelled"];
  return allowedTransitions(from)
    .filter((to) => order.includes(to))
    .sort((a, b) => order.indexOf(a) - order.indexOf(b))
    .map((to) => ({ to, ...actionWords(from, to) }));
}

function actionWords(from: EventStatus, to: EventStatus): Omit<StatusAction, "to"> {
  switch (to) {
    case "on_sale":
      return { label: from === "paused" ? "Resume the sale" : "Put on sale", destructive: false, confirm: null };
    case "scheduled":
      return { label: "Schedule", destructive: false, confirm: null };
    case "paused":
      return { label: "Pause the sale", destructive: false, confirm: null };
    case "draft":
      return { label: "Back to draft", destructive: false, confirm: null };
    case "closed":
      return {
        label: "Close the sale",
        destructive: true,
        confirm:
          "Close the sale for good? Nobody else gets in; fans still in line are told it's over. This can't be undone.",
      };
    default:
      return {
        label: "Cancel the event",
        destructive: true,
        confirm:
          "Cancel the event? The sale stops, every paid order is refunded and the event disappears from the public " +
          "pages. This can't be undone.",
      };
  }
}

/** A whole number in the range typed in a field, or null. */
export function wholeIn(text: string, range: WholeRange): number | null {
  const t = text.trim();
  if (!/^\d{1,12}$/.test(t)) return null;
  const n = Number(t);
  return inRange(n, range) ? n : null;
}

const slots = (text: string) => wholeIn(text, eventRules.maxActiveCheckouts);

export interface AdminEventDeps {
  api: Pick<Api, "get" | "post" | "patch">;
  eventId: string;
  onUnauthorized?: () => void;
  clock?: Clock;
}

/** A live tick's status is ignored this long after our own move, so an older tick can't undo it on screen. */
const ownMoveWinsMs = 3_000;

export class AdminEventControl {
  #loader: Loader<EventView>;
  #audit: Loader<AuditView>;
  #deps: AdminEventDeps;
  #clock: Clock;
  #movedAtMs = Number.NEGATIVE_INFINITY;

  /** The event as last read or changed here; replaced whole. */
  event = $state.raw<EventView | null>(null);
  loadState = $derived.by(() => this.#loader.state);
  auditState = $derived.by(() => this.#audit.state);
  /** The status move in flight, if any. */
  moving = $state<EventStatus | null>(null);
  /** The last failed write, in plain words. */
  problem = $state<string | null>(null);
  /** The admission fields as typed: the mode and its rates, and the checkout slots. */
  admission = new AdmissionInputs();
  maxActiveCheckouts = $state("");
  saving = $state(false);
  saved = $state(false);
  /** Fields the server refused on the last save (a 422), until they are edited. */
  serverErrors = $state.raw<FieldErrors>({});

  actions = $derived(this.event ? statusActions(this.event.status) : []);
  /** The server's rules (shared/src/api/event-rules.ts), in its words, keyed like its 422. */
  admissionErrors = $derived.by(() => this.#admissionChecked().errors);
  admissionChanged = $derived(
    this.event !== null &&
      (this.admission.differsFrom(this.event.waitingRoom) ||
        slots(this.maxActiveCheckouts) !== this.event.waitingRoom.maxActiveCheckouts),
  );

  constructor(deps: AdminEventDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    this.#loader = new Loader(async (signal) =>
      this.#checked(await deps.api.get(endpoints.adminEvent(deps.eventId), { signal })),
    );
    this.#audit = new Loader(async (signal) =>
      this.#checked(await deps.api.get(endpoints.eventAudit(deps.eventId), { signal })),
    );
  }

  async load(): Promise<void> {
    await this.#loader.load();
    if (this.#loader.data) this.#show(this.#loader.data);
  }

  cancel(): void {
    this.#loader.cancel();
    this.#audit.cancel();
  }

  runAudit(): Promise<void> {
    return this.#audit.load();
  }

  /** A status seen in a live tick (another admin, or the system's sold-out). */
  observeStatus(status: string): void {
    if (this.event === null || this.moving !== null || status === this.event.status) return;
    if (this.#clock.nowMs() - this.#movedAtMs < ownMoveWinsMs) return;
    if (!isEventStatus(status)) return;
    this.event = { ...this.event, status };
  }

  /** The event as an edit left it (ours, or another admin's pushed live); the admission fields as typed stay. */
  showEdited(event: EventView): void {
    if (event.id === this.#deps.eventId) this.event = event;
  }

  async move(to: EventStatus): Promise<boolean> {
    if (this.moving !== null || this.event === null) return false;
    this.moving = to;
    this.problem = null;
    const result = await this.#deps.api.post(endpoints.moveEvent(this.#deps.eventId), { status: to });
    this.moving = null;
    if (!result.ok) {
      this.problem = this.#words(result.error, "That status change");
      if (result.error.code === "invalid_transition") await this.#refresh(); // someone (or the system) moved it first
      return false;
    }
    this.#movedAtMs = this.#clock.nowMs();
    this.event = result.data;
    return true;
  }

  /** The message under an admission field: the rule it breaks as typed, else the server's last word on it. */
  fieldError(key: string): string | undefined {
    return this.admissionErrors[key] ?? this.serverErrors[key];
  }

  /** An admission field was typed in: the last save's outcome no longer describes it. */
  edited(): void {
    this.saved = false;
    this.serverErrors = {};
  }

  async saveAdmission(): Promise<boolean> {
    const { settings, maxActiveCheckouts } = this.#admissionChecked();
    if (this.saving || settings === undefined || maxActiveCheckouts === undefined) return false;
    this.saving = true;
    this.saved = false;
    this.problem = null;
    this.serverErrors = {};
    const result = await this.#deps.api.patch(endpoints.updateWaitingRoom(this.#deps.eventId), {
      ...settings,
      maxActiveCheckouts,
    });
    this.saving = false;
    if (!result.ok) {
      if (result.error.status === 422) this.serverErrors = fieldErrorsFrom(result.error);
      const onFields = Object.keys(this.serverErrors).length > 0;
      this.problem = onFields
        ? "The admission settings weren't saved — see the message under the field."
        : this.#words(result.error, "Saving the admission settings");
      return false;
    }
    this.#show(result.data);
    this.saved = true;
    return true;
  }

  async #refresh(): Promise<void> {
    const result = await this.#deps.api.get(endpoints.adminEvent(this.#deps.eventId));
    if (result.ok) this.event = result.data;
  }

  #show(event: EventView): void {
    this.event = event;
    this.admission.fill(event.waitingRoom);
    this.maxActiveCheckouts = String(event.waitingRoom.maxActiveCheckouts);
  }

  #admissionChecked() {
    const check = new FormCheck();
    const settings = this.admission.settings(check);
    const maxActiveCheckouts = check.whole(
      "maxActiveCheckouts",
      this.maxActiveCheckouts,
      eventRules.maxActiveCheckouts,
    );
    return { settings, maxActiveCheckouts, errors: check.errors };
  }

  #checked<T>(result: { ok: true; data: T } | { ok: false; error: ApiError }): typeof result {
    if (!result.ok && result.error.code === "unauthorized") this.#deps.onUnauthorized?.();
    return result;
  }

  #words(error: ApiError, what: string): string {
    if (error.code === "unauthorized") this.#deps.onUnauthorized?.();
    if (error.code === "invalid_transition")
      return `${what} isn't allowed from the event's current status. The page now shows the latest status; try again.`;
    if (error.code === "forbidden") return `${what} needs the admin role; your account can only look.`;
    return `${what} didn't go through. ${plainMessage(error)}`;
  }
}

const statuses: readonly string[] = ["draft", "scheduled", "on_sale", "paused", "sold_out", "closed", "cancelled"];

function isEventStatus(status: string): status is EventStatus {
  return statuses.includes(status);
}

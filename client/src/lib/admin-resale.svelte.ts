// The dashboard's Resale panel: the event's resale settings (on or off, the price cap as a % of
// face value, the buyer's fee %, how long a buyer's lock lasts) saved whole with PUT, and what is
// happening (counts per status and every listing). Settings are checked against the shared bounds
// (resaleLimits) before sending; a 422 goes back under its field. I/O is the injected Api.
import { resaleLimits, type AdminResaleView, type ResaleSettingsView } from "@stampede/shared/api/resale";
import { plainMessage, type Api, type ApiError } from "./api.js";
import * as endpoints from "./endpoints.js";
import { fieldErrorsFrom, type FieldErrors } from "./field-errors.js";
import { FormCheck } from "./form-check.js";
import { Loader } from "./loader.svelte.js";

export interface AdminResaleDeps {
  api: Pick<Api, "get" | "put">;
  eventId: string;
  onUnauthorized?: () => void;
}

export class AdminResale {
  #loader: Loader<AdminResaleView>;
  #deps: AdminResaleDeps;

  loadState = $derived.by(() => this.#loader.state);
  /** The last read, with the settings as last saved; replaced whole. */
  view = $state.raw<AdminResaleView | null>(null);
  /** The form as typed. */
  enabled = $state(false);
  priceCapPercent = $state("");
  feePercent = $state("");
  lockSeconds = $state("");
  saving = $state(false);
  saved = $state(false);
  problem = $state<string | null>(null);
  serverErrors = $state.raw<FieldErrors>({});

  errors = $derived.by(() => this.#checked().errors);
  changed = $derived.by(() => {
    const s = this.view?.settings;
    if (!s) return false;
    const typed = this.#checked().settings;
    return (
      typed === undefined ||
      typed.enabled !== s.enabled ||
      typed.priceCapPercent !== s.priceCapPercent ||
      typed.feePercent !== s.feePercent ||
      typed.lockSeconds !== s.lockSeconds
    );
  });

  constructor(deps: AdminResaleDeps) {
    this.#deps = deps;
    this.#loader = new Loader(async (signal) => {
      const result = await deps.api.get(endpoints.adminResale(deps.eventId), { signal });
      if (!result.ok && result.error.status === 401) deps.onUnauthorized?.();
      return result;
    });
  }

  /** Reads the settings, counts and listings; the form takes the settings unless it holds unsaved changes. */
  async load(): Promise<void> {
    const dirty = this.view !== null && this.changed;
    await this.#loader.load();
    const data = this.#loader.data;
    if (data === null) return;
    this.view = data;
    if (!dirty) this.#fill(data.settings);
  }

  cancel(): void {
    this.#loader.cancel();
  }

  /** The message under a field: the rule it breaks as typed, else the server's last word on it. */
  fieldError(key: string): string | undefined {
    return this.errors[key] ?? this.serverErrors[key];
  }

  /** A field was changed: the last save's outcome no longer describes the form. */
  edited(): void {
    this.saved = false;
    this.serverErrors = {};
  }

  async save(): Promise<boolean> {
    const { settings } = this.#checked();
    if (this.saving || settings === undefined) return false;
    this.saving = true;
    this.saved = false;
    this.problem = null;
    this.serverErrors = {};
    const result = await this.#deps.api.put(endpoints.updateResale(this.#deps.eventId), settings);
    this.saving = false;
    if (!result.ok) {
      this.#failed(result.error);
      return false;
    }
    if (this.view) this.view = { ...this.view, settings: result.data };
    this.#fill(result.data);
    this.saved = true;
    return true;
  }

  #failed(error: ApiError): void {
    if (error.status === 401) this.#deps.onUnauthorized?.();
    if (error.status === 422) this.serverErrors = fieldErrorsFrom(error);
    if (Object.keys(this.serverErrors).length > 0)
      this.problem = "The resale settings weren't saved — see the message under the field.";
    else if (error.code === "forbidden") this.problem = "Changing the resale settings needs the admin role.";
    else this.problem = `Saving the resale settings didn't go through. ${plainMessage(error)}`;
  }

  #fill(settings: ResaleSettingsView): void {
    this.enabled = settings.enabled;
    this.priceCapPercent = String(settings.priceCapPercent);
    this.feePercent = String(settings.feePercent);
    this.lockSeconds = String(settings.lockSeconds);
  }

  #checked(): { settings: ResaleSettingsView | undefined; errors: FieldErrors } {
    const check = new FormCheck();
    const priceCapPercent = check.whole("priceCapPercent", this.priceCapPercent, resaleLimits.priceCapPercent);
    const feePercent = check.whole("feePercent", this.feePercent, resaleLimits.feePercent);
    const lockSeconds = check.whole("lockSeconds", this.lockSeconds, resaleLimits.lockSeconds);
    const settings =
      priceCapPercent === undefined || feePercent === undefined || lockSeconds === undefined
        ? undefined
        : { enabled: this.enabled, priceCapPercent, feePercent, lockSeconds };
    return { settings, errors: check.errors };
  }
}

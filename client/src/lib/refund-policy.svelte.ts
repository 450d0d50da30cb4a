// The dashboard's fan refunds setting: how many hours after paying a fan may have their order
// refunded from its page (0: they cannot). Read with GET, saved with PUT; the hours are checked
// against the shared bound before sending. I/O is the injected Api.
import { refundWindowHoursMax } from "@stampede/shared/api/refunds";
import { plainMessage, type Api } from "./api.js";
import * as endpoints from "./endpoints.js";
import { FormCheck } from "./form-check.js";

export interface RefundPolicyDeps {
  api: Pick<Api, "get" | "put">;
  eventId: string;
  onUnauthorized?: () => void;
}

export class RefundPolicy {
  /** As last read or saved; null before the first read. */
  hoursSaved = $state<number | null>(null);
  hours = $state("");
  saving = $state(false);
  saved = $state(false);
  problem = $state<string | null>(null);
  error = $derived.by(() => this.#checked().error);

  #deps: RefundPolicyDeps;
  constructor(deps: RefundPolicyDeps) {
    this.#deps = deps;
  }

  async load(): Promise<void> {
    const result = await this.#deps.api.get(endpoints.refundPolicy(this.#deps.eventId));
    if (!result.ok) {
      if (result.error.status === 401) this.#deps.onUnauthorized?.();
      this.problem = `The refund window couldn't be read. ${plainMessage(result.error)}`;
      return;
    }
    this.hoursSaved = result.data.refundWindowHours;
    this.hours = String(result.data.refundWindowHours);
  }

  async save(): Promise<boolean> {
    const { hours } = this.#checked();
    if (this.saving || hours === undefined) return false;
    this.saving = true;
    this.saved = false;
    this.problem = null;
    const result = await this.#deps.api.put(endpoints.updateRefundPolicy(this.#deps.eventId), {
      refundWindowHours: hours,
    });
    this.saving = false;
    if (!result.ok) {
      if (result.error.status === 401) this.#deps.onUnauthorized?.();
      this.problem = `The refund window wasn't saved. ${plainMessage(result.error)}`;
      return false;
    }
    this.hoursSaved = result.data.refundWindowHours;
    this.hours = String(result.data.refundWindowHours);
    this.saved = true;
    return true;
  }

  #checked(): { hours: number | undefined; error: string | undefined } {
    const check = new FormCheck();
    const hours = check.whole("hours", this.hours, { min: 0, max: refundWindowHoursMax });
    return { hours, error: check.errors.hours };
  }
}

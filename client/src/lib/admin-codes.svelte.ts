// The dashboard's presale and codes: the event's presale end (until then only fans with a presale
// code may hold), a form making a batch of presale or promo codes, the codes with their uses, and
// the CSV export's link. The fields are checked against the shared bounds before sending. I/O is
// the injected Api.
import { codeBatchMax, codeUsesMax, type CodeKind, type CodeView } from "@stampede/shared/api/codes";
import { plainMessage, type Api, type ApiError } from "./api.js";
import * as endpoints from "./endpoints.js";
import { isoToLocal, localToIso } from "./field-errors.js";
import { FormCheck } from "./form-check.js";

export interface AdminCodesDeps {
  api: Pick<Api, "get" | "put" | "post">;
  eventId: string;
  onUnauthorized?: () => void;
}

/** The CSV export of every code of the event: a download link (the admin's session cookie goes with it). */
export const codesCsvPath = (eventId: string) => `/api/admin/events/${encodeURIComponent(eventId)}/codes.csv`;

export class AdminCodes {
  /** The presale's end as saved (ISO), null: none; undefined before the first read. */
  presaleEndsAt = $state<string | null | undefined>(undefined);
  presaleOpen = $state(false);
  presaleInput = $state("");
  codes = $state<CodeView[]>([]);
  nextCursor = $state<string | null>(null);
  kind = $state<CodeKind>("presale");
  count = $state("100");
  uses = $state("1");
  percentOff = $state("10");
  tierId = $state("");
  prefix = $state("");
  busy = $state(false);
  notice = $state<string | null>(null);
  problem = $state<string | null>(null);
  errors = $derived.by(() => this.#batch().errors);

  #deps: AdminCodesDeps;
  constructor(deps: AdminCodesDeps) {
    this.#deps = deps;
  }

  async load(): Promise<void> {
    const [presale, list] = await Promise.all([
      this.#deps.api.get(endpoints.adminPresale(this.#deps.eventId)),
      this.#deps.api.get(endpoints.eventCodes(this.#deps.eventId, null)),
    ]);
    if (!presale.ok) return this.#fail("The presale couldn't be read.", presale.error);
    this.#showPresale(presale.data);
    if (!list.ok) return this.#fail("The codes couldn't be read.", list.error);
    this.codes = list.data.codes;
    this.nextCursor = list.data.nextCursor;
  }

  async more(): Promise<void> {
    if (this.nextCursor === null) return;
    const list = await this.#deps.api.get(endpoints.eventCodes(this.#deps.eventId, this.nextCursor));
    if (!list.ok) return this.#fail("More codes couldn't be read.", list.error);
    this.codes = [...this.codes, ...list.data.codes];
    this.nextCursor = list.data.nextCursor;
  }

  /** Saves the presale's end from the input; an empty input ends the presale (none). */
  async savePresale(): Promise<boolean> {
    const endsAt = localToIso(this.presaleInput);
    if (endsAt === undefined) {
      this.problem = "Give the presale's end as a date and time, or leave it empty for no presale.";
      return false;
    }
    return this.#run("The presale wasn't saved.", async () => {
      const saved = await this.#deps.api.put(endpoints.updatePresale(this.#deps.eventId), { endsAt });
      if (!saved.ok) return saved.error;
      this.#showPresale(saved.data);
      this.notice = saved.data.open ? "Presale on: fans need a presale code to buy." : "No presale: anyone may buy.";
      return null;
    });
  }

  /** Makes the batch the form describes, then reads the list again. */
  async createBatch(): Promise<boolean> {
    const { body } = this.#batch();
    if (body === undefined) return false;
    return this.#run("The codes weren't made.", async () => {
      const made = await this.#deps.api.post(endpoints.createCodes(this.#deps.eventId), body);
      if (!made.ok) return made.error;
      this.notice = `Made ${made.data.created} ${this.kind} ${made.data.created === 1 ? "code" : "codes"}.`;
      await this.load();
      return null;
    });
  }

  #batch() {
    const check = new FormCheck();
    const count = check.whole("count", this.count, { min: 1, max: codeBatchMax });
    const uses = check.whole("uses", this.uses, { min: 1, max: codeUsesMax });
    const promo = this.kind === "promo";
    const percentOff = promo ? check.whole("percentOff", this.percentOff, { min: 1, max: 100 }) : undefined;
    if (!/^[0-9A-Za-z]{0,12}$/.test(this.prefix)) check.fail("prefix", "up to 12 letters and digits");
    const ok = count !== undefined && uses !== undefined && (!promo || percentOff !== undefined);
    const body = ok
      ? {
          ...{ kind: this.kind, count, uses, prefix: this.prefix },
          ...(promo ? { percentOff } : {}),
          ...(promo && this.tierId ? { tierId: this.tierId } : {}),
        }
      : undefined;
    return { errors: check.errors, body: Object.keys(check.errors).length === 0 ? body : undefined };
  }

  #showPresale(view: { endsAt: string | null; open: boolean }): void {
    this.presaleEndsAt = view.endsAt;
    this.presaleOpen = view.open;
    this.presaleInput = view.endsAt ? isoToLocal(view.endsAt) : "";
  }

  async #run(failure: string, work: () => Promise<ApiError | null>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.notice = null;
    this.problem = null;
    try {
      const error = await work();
      if (error) this.#fail(failure, error);
      return error === null;
    } finally {
      this.busy = false;
    }
  }

  #fail(words: string, error: ApiError): void {
    if (error.status === 401) this.#deps.onUnauthorized?.();
    this.problem = `${words} ${plainMessage(error)}`;
  }
}

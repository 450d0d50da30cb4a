// The dashboard's bot defence setting: whether the join asks for a proof-of-work challenge (auto:
// past the thresholds; always; off), how hard it is, and the auto mode's thresholds. Read with GET,
// saved with PUT (the whole settings); numbers are checked against the shared bounds before sending.
import {
  challengeDifficultyMax,
  challengeDifficultyMin,
  type BotDefenceMode,
  type BotDefenceView,
} from "@stampede/shared/api/bot-defence";
import { plainMessage, type Api } from "./api.js";
import * as endpoints from "./endpoints.js";
import { FormCheck } from "./form-check.js";

export interface BotDefenceDeps {
  api: Pick<Api, "get" | "put">;
  eventId: string;
  onUnauthorized?: () => void;
}

type Field = "difficulty" | "subnetJoinsPerMinute" | "eventJoinsPerMinute";

export class BotDefence {
  /** As last read or saved; null before the first read. */
  saved = $state.raw<BotDefenceView | null>(null);
  mode = $state<BotDefenceMode>("auto");
  fields = $state<Record<Field, string>>({ difficulty: "", subnetJoinsPerMinute: "", eventJoinsPerMinute: "" });
  saving = $state(false);
  updated = $state(false);
  problem = $state<string | null>(null);
  errors = $derived.by(() => this.#checked().errors);

  #deps: BotDefenceDeps;
  constructor(deps: BotDefenceDeps) {
    this.#deps = deps;
  }

  async load(): Promise<void> {
    const result = await this.#deps.api.get(endpoints.botDefence(this.#deps.eventId));
    if (!result.ok) {
      if (result.error.status === 401) this.#deps.onUnauthorized?.();
      this.problem = `The bot defence couldn't be read. ${plainMessage(result.error)}`;
      return;
    }
    this.#show(result.data);
  }

  async save(): Promise<boolean> {
    const { values } = this.#checked();
    if (this.saving || values === null) return false;
    this.saving = true;
    this.updated = false;
    this.problem = null;
    const result = await this.#deps.api.put(endpoints.updateBotDefence(this.#deps.eventId), {
      mode: this.mode,
      ...values,
    });
    this.saving = false;
    if (!result.ok) {
      if (result.error.status === 401) this.#deps.onUnauthorized?.();
      this.problem = `The bot defence wasn't saved. ${plainMessage(result.error)}`;
      return false;
    }
    this.#show(result.data);
    this.updated = true;
    return true;
  }

  #show(view: BotDefenceView): void {
    this.saved = view;
    this.mode = view.mode;
    this.fields = {
      difficulty: String(view.difficulty),
      subnetJoinsPerMinute: String(view.subnetJoinsPerMinute),
      eventJoinsPerMinute: String(view.eventJoinsPerMinute),
    };
  }

  #checked(): { values: Record<Field, number> | null; errors: Record<string, string> } {
    const check = new FormCheck();
    const f = this.fields;
    const difficulty = check.whole("difficulty", f.difficulty, {
      min: challengeDifficultyMin,
      max: challengeDifficultyMax,
    });
    const subnetJoinsPerMinute = check.whole("subnetJoinsPerMinute", f.subnetJoinsPerMinute, {
      min: 1,
      max: 1_000_000,
    });
    const eventJoinsPerMinute = check.whole("eventJoinsPerMinute", f.eventJoinsPerMinute, { min: 1, max: 10_000_000 });
    const ok = difficulty !== undefined && subnetJoinsPerMinute !== undefined && eventJoinsPerMinute !== undefined;
    return { values: ok ? { difficulty, subnetJoinsPerMinute, eventJoinsPerMinute } : null, errors: check.errors };
  }
}

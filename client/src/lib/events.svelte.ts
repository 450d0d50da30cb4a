// Event state for the fan pages and the admin home. I/O is the injected Api, so tests pass a fake.
import type { Api } from "./api.js";
import * as endpoints from "./endpoints.js";
import { sortForFans } from "./event-view.js";
import { Loader } from "./loader.svelte.js";
import type { EventView } from "./views.js";

type Get = Pick<Api, "get">;

/** `GET /api/events`: the published events, in the order fans care about. */
export class EventsList {
  #loader: Loader<EventView[]>;
  state = $derived.by(() => this.#loader.state);
  events = $derived.by(() => sortForFans(this.#loader.data ?? []));

  constructor(api: Get) {
    this.#loader = new Loader(async (signal) => {
      const result = await api.get(endpoints.events(), { signal });
      return result.ok ? { ok: true, data: result.data.events } : result;
    });
  }

  load(): Promise<void> {
    return this.#loader.load();
  }

  cancel(): void {
    this.#loader.cancel();
  }
}

/** `GET /api/events/:eventId`: one event with its tiers and perks. */
export class EventDetail {
  #loader: Loader<EventView>;
  state = $derived.by(() => this.#loader.state);
  event = $derived.by(() => this.#loader.data);

  constructor(api: Get, eventId: string) {
    this.#loader = new Loader((signal) => api.get(endpoints.event(eventId), { signal }));
  }

  load(): Promise<void> {
    return this.#loader.load();
  }

  cancel(): void {
    this.#loader.cancel();
  }
}

/** `GET /api/admin/events`: every event in any status; `onUnauthorized` when the session ended. */
export class AdminEventsList {
  #loader: Loader<EventView[]>;
  state = $derived.by(() => this.#loader.state);
  events = $derived.by(() => sortForFans(this.#loader.data ?? []));

  constructor(api: Get, onUnauthorized: () => void = () => {}) {
    this.#loader = new Loader(async (signal) => {
      const result = await api.get(endpoints.adminEvents(), { signal });
      if (!result.ok && result.error.code === "unauthorized") onUnauthorized();
      return result.ok ? { ok: true, data: result.data.events } : result;
    });
  }

  load(): Promise<void> {
    return this.#loader.load();
  }

  cancel(): void {
    this.#loader.cancel();
  }
}

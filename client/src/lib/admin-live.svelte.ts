// The live side of the admin dashboard: the `/admin` socket (the session cookie authenticates
// it), `admin:watch {eventId}` with ack on every connect, then `stats:tick` once a second and
// `sales:batch` whenever orders change. Keeps the latest figures, a bounded sales feed (newest
// first) and the chart series built from the ticks (lib/series.ts), and the admission controller:
// its latest step and its chart (lib/admission-chart.ts), seeded from GET …/admission after each
// watch ack and extended by each tick's `admission`; and the event as an admin's edit pushed it.
// The feed's history: after each watch ack (the socket is in the event's room, so nothing that
// happens from then on is missed) the recent lines are read over HTTP and merged with whatever the
// live batches already brought. A line is one change of one order, so order id + type identifies
// it: a change both read and pushed shows once, and a reconnect's re-read fills the gap.
// Wire: shared/src/protocol.ts (AdminClientToServerEvents, AdminServerToClientEvents).
import { salesFeedLinesMax } from "@stampede/shared/limits";
import type { Ack, AdminAdmission, AdminSale, AdminStats } from "@stampede/shared/protocol";
import { addAdmissionPoint, admissionPointOf, mergeAdmissionHistory, type AdmissionPoint } from "./admission-chart.js";
import type { Api } from "./api.js";
import * as endpoints from "./endpoints.js";
import { systemClock, type Clock } from "./clock.js";
import { mergeSales, type FeedSale } from "./sales-feed.js";
import { joinRetryDelayMs, socketAckTimeoutMs } from "./limits.js";
import { addSample, emptySeries, sampleOf, type Series } from "./series.js";
import type { AdminLiveSocket, AdminSocketFactory } from "./socket.js";
import type { EventView } from "./views.js";

export type AdminConnection = "connecting" | "live" | "reconnecting" | "refused";

export type { FeedSale } from "./sales-feed.js";

export interface AdminLiveDeps {
  eventId: string;
  createSocket: AdminSocketFactory;
  /** Reads the feed's recent history (GET /api/admin/events/:id/sales); without it the feed starts empty. */
  api?: Pick<Api, "get">;
  clock?: Clock;
  /** The socket was refused: the admin session ended. */
  onUnauthorized?: () => void;
  /** Feed lines kept; older ones drop off the bottom. */
  salesMax?: number;
}

/** Screen readers hear the figures at most this often, not every tick. */
export const spokenEveryMs = 60_000;

export class AdminLive {
  connection = $state<AdminConnection>("connecting");
  /** The latest tick (or the watch ack); replaced whole. */
  stats = $state.raw<AdminStats | null>(null);
  /** Newest first, at most `salesMax`. */
  sales = $state.raw<FeedSale[]>([]);
  series = $state.raw<Series>(emptySeries);
  /** The figures for the polite live region: renewed on the first tick, then once a minute. */
  spokenStats = $state.raw<AdminStats | null>(null);
  /** The admission controller's latest step (from a tick or the history read); null before the first. */
  admission = $state.raw<AdminAdmission | null>(null);
  /** Its steps over the last minutes, oldest first, for the chart. */
  admissionPoints = $state.raw<readonly AdmissionPoint[]>([]);
  /** The event as the last edit (by any admin) pushed it (`event:updated`); null before one. */
  edited = $state.raw<EventView | null>(null);
  /** Why the page has no live figures, in plain words; null when fine. */
  problem = $state<string | null>(null);

  #deps: AdminLiveDeps;
  #clock: Clock;
  #socket: AdminLiveSocket | null = null;
  #retry: ReturnType<Clock["setTimeout"]> | null = null;
  #spokenAtMs = Number.NEGATIVE_INFINITY;
  #stopped = false;

  constructor(deps: AdminLiveDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
  }

  start(): void {
    const socket = this.#deps.createSocket();
    this.#socket = socket;
    socket.on("connect", () => {
      this.connection = "live";
      void this.#watch(socket);
    });
    socket.on("disconnect", (reason) => {
      if (this.#stopped || reason === "io client disconnect") return;
      this.connection = "reconnecting";
      if (!socket.active) this.#later(() => socket.connect()); // the server closed us: come back by hand
    });
    socket.on("connect_error", (error) => {
      if (this.#stopped) return;
      if (error.message === "unauthorized") {
        this.connection = "refused";
        this.problem = "Your admin session has ended, so the live figures stopped. Sign in again.";
        this.#deps.onUnauthorized?.();
        return;
      }
      this.connection = "reconnecting";
      if (!socket.active) this.#later(() => socket.connect());
    });
    socket.on("stats:tick", (stats) => {
      if (stats.eventId === this.#deps.eventId) this.#apply(stats);
    });
    socket.on("event:updated", (updated) => {
      if (updated.eventId === this.#deps.eventId) this.edited = updated.event;
    });
    socket.on("sales:batch", (batch) => {
      if (batch.eventId === this.#deps.eventId) this.#addSales([...batch.sales].reverse()); // a batch is oldest first
    });
  }

  destroy(): void {
    this.#stopped = true;
    if (this.#retry !== null) this.#clock.clearTimeout(this.#retry);
    this.#socket?.disconnect();
    this.#socket = null;
  }

  async #watch(socket: AdminLiveSocket): Promise<void> {
    let result: Ack<AdminStats>;
    try {
      result = await socket.timeout(socketAckTimeoutMs).emitWithAck("admin:watch", { eventId: this.#deps.eventId });
    } catch {
      if (socket === this.#socket && socket.connected) this.#later(() => void this.#watch(socket)); // no ack in time: ask again
      return;
    }
    if (socket !== this.#socket) return;
    if (result.ok) {
      this.problem = null;
      this.#apply(result.data);
      void this.#loadHistory(socket);
      void this.#loadAdmission(socket);
    } else if (result.error.code === "not_found") {
      this.problem = "There is no event with this id, so there is nothing to watch.";
    } else {
      this.problem = "The live figures aren't available right now; trying again…";
      this.#later(() => void this.#watch(socket));
    }
  }

  #apply(stats: AdminStats): void {
    if (this.stats !== null && stats.atMs < this.stats.atMs) return; // an older tick overtaken
    this.stats = stats;
    this.series = addSample(this.series, sampleOf(stats));
    if (stats.admission) this.#noteAdmission(stats.admission);
    const now = this.#clock.nowMs();
    if (now - this.#spokenAtMs >= spokenEveryMs) {
      this.#spokenAtMs = now;
      this.spokenStats = stats;
    }
  }

  /** Read after the socket joined the room: whatever happens meanwhile arrives live and merges by key. */
  async #loadHistory(socket: AdminLiveSocket): Promise<void> {
    const api = this.#deps.api;
    if (!api) return;
    const result = await api.get(endpoints.eventSales(this.#deps.eventId));
    if (socket !== this.#socket || this.#stopped) return;
    if (result.ok) this.#addSales(result.data.sales);
    else if (result.error.code === "unauthorized") this.#deps.onUnauthorized?.();
  }

  /** The controller's recent steps, read after the socket joined the room; ticks meanwhile merge by time. */
  async #loadAdmission(socket: AdminLiveSocket): Promise<void> {
    const api = this.#deps.api;
    if (!api) return;
    const result = await api.get(endpoints.eventAdmission(this.#deps.eventId));
    if (socket !== this.#socket || this.#stopped) return;
    if (!result.ok) {
      if (result.error.code === "unauthorized") this.#deps.onUnauthorized?.();
      return; // the ticks still draw the chart from now on
    }
    this.admissionPoints = mergeAdmissionHistory(this.admissionPoints, result.data.history);
    if (result.data.current) this.#noteAdmission(result.data.current);
  }

  #noteAdmission(admission: AdminAdmission): void {
    if (this.admission === null || admission.atMs >= this.admission.atMs) this.admission = admission;
    this.admissionPoints = addAdmissionPoint(this.admissionPoints, admissionPointOf(admission));
  }

  /** Lines newest first. */
  #addSales(sales: readonly AdminSale[]): void {
    if (sales.length === 0) return;
    this.sales = mergeSales(this.sales, sales, this.#deps.salesMax ?? salesFeedLinesMax);
  }

  #later(run: () => void): void {
    if (this.#retry !== null) this.#clock.clearTimeout(this.#retry);
    this.#retry = this.#clock.setTimeout(() => {
      this.#retry = null;
      if (!this.#stopped) run();
    }, joinRetryDelayMs);
  }
}

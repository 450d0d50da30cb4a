// The public transparency board of one event: queued now, admitted so far, the admission rate,
// checkouts in progress and what is left per tier. On every socket connect it emits
// `event:watch {eventId}` (the ack is the room's status; a watcher never joins the line), then
// `queue:status` and `stock` are pushed as to fans. While no push has arrived lately (no socket,
// a proxy without websockets) it reads the same numbers over REST (`GET /api/events/:id/queue`
// with a fan token, and the event for stock), so the board stays right either way.
import type { Ack, QueueStatus, StockUpdate } from "@stampede/shared/protocol";
import type { Api } from "./api.js";
import * as endpoints from "./endpoints.js";
import { systemClock, type Clock } from "./clock.js";
import type { FanSessionPort } from "./fan-session.svelte.js";
import { countdownTickMs, queuePollIntervalMs, socketAckTimeoutMs } from "./limits.js";
import { addRateSample, mergeStock, observedPerMinute, type RateSample } from "./queue-view.js";
import type { QueueSocket, SocketFactory } from "./socket.js";
import type { EventView } from "./views.js";

/** Pushes count as "live" for this long; after it the board reads over REST again. */
const pushFreshMs = 2 * queuePollIntervalMs + 1_000;

export type BoardConnection = "connecting" | "live" | "polling" | "offline";

export interface BoardDeps {
  eventId: string;
  api: Pick<Api, "get">;
  session: FanSessionPort;
  createSocket: SocketFactory;
  clock?: Clock;
}

export class BoardFeed {
  event = $state.raw<EventView | null>(null);
  status = $state.raw<QueueStatus | null>(null);
  stock = $state.raw<StockUpdate | null>(null);
  connection = $state<BoardConnection>("connecting");
  nowMs = $state(0);
  /** Set when the event itself could not be read (404, network): the page says so. */
  failed = $state.raw<{ status: number; code: string } | null>(null);

  #samples = $state.raw<RateSample[]>([]);
  #deps: BoardDeps;
  #clock: Clock;
  #socket: QueueSocket | null = null;
  #timer: ReturnType<Clock["setTimeout"]> | null = null;
  #ticker: ReturnType<Clock["setInterval"]> | null = null;
  #lastPushMs = Number.NEGATIVE_INFINITY;
  #abort = new AbortController();
  #stopped = false;

  tiers = $derived(this.event ? mergeStock(this.event.classes, this.stock) : []);
  remaining = $derived(this.tiers.reduce((sum, t) => sum + t.available, 0));
  observedAdmitPerMinute = $derived(observedPerMinute(this.#samples));
  opensInMs = $derived.by(() => {
    const opensAt = this.status?.opensAt ?? this.event?.waitingRoom.opensAt ?? null;
    return opensAt === null ? null : Math.max(0, Date.parse(opensAt) - this.nowMs);
  });

  constructor(deps: BoardDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
  }

  async start(): Promise<void> {
    this.nowMs = this.#clock.nowMs();
    this.#ticker = this.#clock.setInterval(() => (this.nowMs = this.#clock.nowMs()), countdownTickMs);
    const session = await this.#deps.session.ensure();
    if (this.#stopped) return;
    if (session.ok) this.#openSocket(session.data.fanToken);
    await this.#poll();
  }

  destroy(): void {
    this.#stopped = true;
    this.#abort.abort();
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    if (this.#ticker !== null) this.#clock.clearInterval(this.#ticker);
    this.#socket?.disconnect();
    this.#socket = null;
  }

  #openSocket(fanToken: string): void {
    const socket = this.#deps.createSocket(fanToken);
    this.#socket = socket;
    socket.on("connect", () => void this.#watch(socket));
    socket.on("queue:status", (status) => {
      if (status.eventId !== this.#deps.eventId) return;
      this.#pushed();
      this.#applyStatus(status);
    });
    socket.on("stock", (stock) => {
      if (stock.eventId !== this.#deps.eventId) return;
      this.#pushed();
      this.stock = stock;
    });
  }

  /** Follows the event's room; without an ack the REST reads carry on until the next connect. */
  async #watch(socket: QueueSocket): Promise<void> {
    let result: Ack<QueueStatus>;
    try {
      result = await socket.timeout(socketAckTimeoutMs).emitWithAck("event:watch", { eventId: this.#deps.eventId });
    } catch {
      return; // no ack in time: polling covers it, and the next connect watches again
    }
    if (this.#stopped || socket !== this.#socket || !result.ok) return;
    this.#pushed();
    this.#applyStatus(result.data);
  }

  #pushed(): void {
    this.#lastPushMs = this.#clock.nowMs();
    this.connection = "live";
  }

  #applyStatus(status: QueueStatus): void {
    this.status = status;
    this.#samples = addRateSample(this.#samples, {
      atMs: status.sentAtMs ?? this.#clock.nowMs(),
      admittedTotal: status.admittedTotal,
    });
  }

  /** Reads over REST unless the socket pushed lately; the event (tiers, stock) is always re-read. */
  async #poll(): Promise<void> {
    const { api, eventId, session } = this.#deps;
    const signal = this.#abort.signal;
    const fresh = this.#clock.nowMs() - this.#lastPushMs < pushFreshMs;
    const [event, queue] = await Promise.all([
      fresh && this.event !== null ? null : api.get(endpoints.event(eventId), { signal }),
      fresh || session.token === null
        ? null
        : api.get(endpoints.queue(eventId), {
            signal,
            headers: { Authorization: `Bearer ${session.token}` },
          }),
    ]);
    if (this.#stopped) return;
    if (event?.ok) {
      this.event = event.data;
      this.stock = null; // the event's counts are newer than the last push
      this.failed = null;
    } else if (event && this.event === null) this.failed = { status: event.error.status, code: event.error.code };
    if (queue?.ok) this.#applyStatus(queue.data.status);
    if (!fresh) this.connection = event?.ok || queue?.ok ? "polling" : "offline";
    this.#timer = this.#clock.setTimeout(() => void this.#poll(), queuePollIntervalMs);
  }
}

// The live waiting room of one event, for one fan: joins over the socket (or the REST fallback),
// keeps the latest room status and the fan's entry, and derives what the page shows — place,
// people ahead, honest ETA (at the rate admissions actually happened), progress, admission
// countdown, live stock per tier, how fresh the place is, whether every ticket left is held, and
// the sale's status as pushed.
//
// I/O is injected (session, socket factory, api, clock, storage), so tests drive all of it.
// Wire (shared/src/protocol.ts): emit `queue:join {eventId, placeToken?, admissionToken?}` with
// ack on every connect (the server gives the same number back; after its store lost its data,
// the proofs give it back, and a queue:status with a new roomEpoch makes us join again — see
// room-rebuild.svelte.ts), listen to `queue:status`, `queue:admitted`, `queue:departed`,
// `event:status`, `event:updated`, `stock`, `order:update`; `queue:leave` with ack (REST `DELETE
// /api/events/:id/queue` without a socket). A refused token ("unauthorized") renews the session
// once. No socket after a few errors or seconds → POST then GET `/api/events/:id/queue` every
// 2 s, while the socket keeps trying; the first connect ends the polling.
import { etaSeconds, position } from "@stampede/shared/core/admission";
import type {
  Admission,
  EventStatusChanged,
  OrderUpdate,
  QueueAdmitted,
  QueueDeparted,
  QueueEntry,
  QueueStatus,
  StockUpdate,
} from "@stampede/shared/protocol";
import type { Api } from "./api.js";
import { BrowserCheck } from "./browser-check.svelte.js";
import { workerSolver, type ChallengeSolver } from "./challenge-solver.js";
import { systemClock, type Clock } from "./clock.js";
import type { FanSessionPort } from "./fan-session.svelte.js";
import { countdownTickMs, placeStaleAfterMs, socketConnectErrorsMax, socketConnectGiveUpMs } from "./limits.js";
import { PlaceKeeper } from "./place-keeper.svelte.js";
import { QueuePoller } from "./queue-poller.js";
import {
  addRateSample,
  allHeldWords,
  etaRatePerMinute,
  fanPhase,
  mergeStock,
  observedPerMinute,
  progressOf,
  roomStateOf,
  type RateSample,
} from "./queue-view.js";
import { QueueLink, sessionProblem, type JoinProblem } from "./queue-link.js";
import { RoomRebuild, type RestartNotice } from "./room-rebuild.svelte.js";
import type { SocketFactory } from "./socket.js";
import type { KeyValueStorage } from "./storage.js";
import type { EventStatus, EventView } from "./views.js";

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "offline" | "polling";

export interface WaitingRoomDeps {
  /** The event as loaded; read again on every use, so a reloaded event shows through. */
  event: () => EventView;
  api: Pick<Api, "get" | "post" | "delete">;
  session: FanSessionPort;
  createSocket: SocketFactory;
  clock?: Clock;
  storage?: KeyValueStorage | null;
  /** Solves the join's proof-of-work challenge (bot defence); a Web Worker unless a test gives its own. */
  solver?: ChallengeSolver;
}

/** Refusals the browser check answers (solve a challenge, join again) rather than the fan. */
const challengeCodes = new Set(["challenge_required", "challenge_failed"]);
/** Browser checks in a row whose solution was still refused before the fan is asked to try again. */
const browserChecksMax = 3;

export class WaitingRoom {
  connection = $state<ConnectionState>("connecting");
  /** The fan's entry as the server last gave it; replaced whole. */
  entry = $state.raw<QueueEntry | null>(null);
  /** The room's latest status tick; replaced whole. */
  status = $state.raw<QueueStatus | null>(null);
  admission = $state.raw<Admission | null>(null);
  stock = $state.raw<StockUpdate | null>(null);
  lastOrder = $state.raw<OrderUpdate | null>(null);
  /** Why the fan is not in line (session or join refused), in plain words; null when fine. */
  problem = $state.raw<JoinProblem | null>(null);
  left = $state(false);
  nowMs = $state(0);
  /** The event as an admin's edit pushed it (event:updated): name, date, tiers; null until one comes. */
  edited = $state.raw<EventView | null>(null);
  /** The sale's status as pushed over this connection (event:status); null until a change comes. */
  sale = $state<EventStatus | null>(null);
  /** When (this device's clock) the server last told us anything about the line; null before. */
  lastUpdateMs = $state<number | null>(null);

  #event: () => EventView;
  #session: FanSessionPort;
  #clock: Clock;
  #link: QueueLink;
  #poller: QueuePoller;
  #ticker: ReturnType<Clock["setInterval"]> | null = null;
  #giveUp: ReturnType<Clock["setTimeout"]> | null = null;
  #connectErrors = 0;
  #everConnected = false;
  #lastSentAtMs = 0;
  #destroyed = false;
  #serverOffsetMs = $state(0);
  #samples = $state.raw<RateSample[]>([]);
  #place: PlaceKeeper;
  #rebuild: RoomRebuild;
  #saleAtMs = 0;
  /** The number the current admission was given for (null: none, or not known). */
  #admittedNumber: number | null = null;
  #checksInARow = 0;
  /** The "Checking your browser…" step, when the event's bot defence asks this join for a challenge. */
  browserCheck: BrowserCheck;

  eventId: string;
  /** Server time now: countdowns run against the server's clock, not a phone's wrong one. */
  serverNowMs = $derived(this.nowMs + this.#serverOffsetMs);
  /** The rank among fans still waiting (1 = next, 0 = the turn has come): the server's rank at
   * joining moved by the admissions and departures ahead since; never above the cursor's bound. */
  position = $derived.by(() => {
    const number = this.entry?.queueNumber ?? null;
    if (number === null) return null;
    const bound = this.status ? position(number, this.status.servedUpTo) : null;
    const tracked = this.#place.position(number, this.status?.admittedTotal ?? null) ?? this.entry?.position ?? null;
    if (tracked === null) return bound;
    return bound === null ? tracked : Math.min(bound, tracked);
  });
  ahead = $derived(this.position === null ? null : Math.max(0, this.position - 1));
  observedAdmitPerMinute = $derived(observedPerMinute(this.#samples));
  etaSeconds = $derived.by(() => {
    if (this.position === null || this.status === null) return null;
    const s = this.status;
    return etaSeconds({
      position: this.position,
      admitPerMinute: etaRatePerMinute(s),
      freeSlots: Math.max(0, s.maxActiveCheckouts - s.activeCheckouts),
      slotsFreedPerMinute: this.observedAdmitPerMinute ?? undefined,
      paused: this.paused,
    });
  });
  progress = $derived.by(() => progressOf(this.#place.startPosition, this.position));
  admissionRemainingMs = $derived(this.admission ? Date.parse(this.admission.expiresAt) - this.serverNowMs : null);
  phase = $derived(
    fanPhase({
      entry: this.entry,
      status: this.status,
      admission: this.admission,
      admissionRemainingMs: this.admissionRemainingMs,
      left: this.left,
      sale: this.sale,
    }),
  );
  paused = $derived(roomStateOf(this.status, this.sale) === "paused");
  /** How long ago the line was last heard of; it ticks with the countdown clock. */
  updatedAgoMs = $derived(this.lastUpdateMs === null ? null : Math.max(0, this.nowMs - this.lastUpdateMs));
  /** Nothing heard for a while: the place shown may have moved since. */
  stale = $derived(this.updatedAgoMs !== null && this.updatedAgoMs > placeStaleAfterMs);
  /** Every ticket left is held by fans ahead (the latest frame says so): nobody goes in until holds end. Words, or null. */
  allHeldNotice = $derived(allHeldWords(this.status?.allHeld ?? null, this.serverNowMs));
  /** Every checkout slot is taken: the next fan goes in when someone ahead finishes, not on the rate. */
  slotsFull = $derived(this.status !== null && this.status.activeCheckouts >= this.status.maxActiveCheckouts);
  opensAt = $derived.by(() => this.status?.opensAt ?? this.#event().waitingRoom.opensAt);
  opensInMs = $derived(this.opensAt === null ? null : Math.max(0, Date.parse(this.opensAt) - this.serverNowMs));
  tiers = $derived.by(() => mergeStock(this.#event().classes, this.stock));

  constructor(deps: WaitingRoomDeps) {
    this.#event = deps.event;
    this.eventId = deps.event().id;
    this.#session = deps.session;
    this.#clock = deps.clock ?? systemClock;
    this.#place = new PlaceKeeper(this.eventId, deps.storage ?? null);
    this.#rebuild = new RoomRebuild(this.eventId, deps.storage ?? null);
    this.nowMs = this.#clock.nowMs();
    this.browserCheck = new BrowserCheck({
      api: deps.api,
      eventId: this.eventId,
      fanToken: () => deps.session.token,
      solver: deps.solver ?? workerSolver,
    });
    const handlers = {
      entry: (entry: QueueEntry) => this.#applyEntry(entry),
      status: (status: QueueStatus) => this.#applyStatus(status),
      problem: (problem: JoinProblem | null) => this.#onProblem(problem),
      proofs: () => ({
        ...this.#rebuild.proofs(this.admission, this.#clock.nowMs() + this.#serverOffsetMs),
        ...this.browserCheck.take(),
      }),
    };
    this.#link = new QueueLink({
      eventId: this.eventId,
      session: deps.session,
      createSocket: deps.createSocket,
      clock: this.#clock,
      ...handlers,
      admitted: (admission) => this.#admit(admission),
      stock: (stock) => this.#applyStock(stock),
      order: (update) => (this.lastOrder = update),
      departed: (push) => this.#applyDeparted(push),
      saleStatus: (changed) => this.#applySale(changed),
      eventUpdated: (updated) => {
        if (updated.eventId === this.eventId) this.edited = updated.event;
      },
      connected: () => this.#onConnected(),
      dropped: (willRetry) => this.#onDropped(willRetry),
      connectFailed: () => this.#onConnectFailed(),
      wantsJoin: () => !this.left && !this.#destroyed,
    });
    this.#poller = new QueuePoller({
      eventId: this.eventId,
      api: deps.api,
      session: deps.session,
      clock: this.#clock,
      ...handlers,
      stock: (stock) => this.#applyStock(stock),
      reachable: (ok) => {
        if (this.connection === "polling" || this.connection === "offline")
          this.connection = ok ? "polling" : "offline";
      },
      needsJoin: () => this.entry === null && !this.left,
    });
  }

  /** Starts the session, the socket and the countdown clock; `destroy()` ends it all. Safe to call again after a failed start. */
  async start(): Promise<void> {
    this.#ticker ??= this.#clock.setInterval(() => (this.nowMs = this.#clock.nowMs()), countdownTickMs);
    const session = await this.#session.ensure();
    if (this.#destroyed) return;
    if (!session.ok) {
      this.problem = sessionProblem(session.error);
      this.connection = "offline";
      return;
    }
    this.problem = null;
    this.#link.open(session.data.fanToken);
    this.#armGiveUp();
  }

  /** Try again after a failed start or a refused join (the page's button). */
  retry(): void {
    if (this.#destroyed) return;
    if (!this.#link.isOpen) {
      void this.start();
      return;
    }
    this.problem = null;
    if (this.#link.connected) this.#link.join();
    else if (this.#poller.running) this.#poller.pollNow();
    else this.#fallBack(); // no socket right now: go in over REST
  }

  /** A refused join: the browser check takes challenge refusals (solve, then join again); the fan sees the rest. */
  #onProblem(problem: JoinProblem | null): void {
    if (problem === null || !challengeCodes.has(problem.code)) {
      if (problem === null) this.#checksInARow = 0;
      this.problem = problem;
      return;
    }
    if (this.browserCheck.state === "checking") return; // the running check joins again when done
    if (++this.#checksInARow > browserChecksMax) {
      this.#checksInARow = 0;
      this.problem = { code: problem.code, message: "We couldn't check your browser. Try again.", retryable: true };
      return;
    }
    this.problem = null;
    void this.browserCheck.run().then((solved) => {
      if (this.#destroyed) return;
      if (solved) this.retry();
      else
        this.problem = { code: problem.code, message: "We couldn't check your browser. Try again.", retryable: true };
    });
  }

  /** Leaves the line for good: the place goes to the next fan. */
  async leave(): Promise<void> {
    this.left = true;
    this.#rebuild.forget();
    this.#poller.stop();
    const acknowledged = await this.#link.leave();
    if (!acknowledged) await this.#poller.leave(); // no socket (or no ack): leave over REST
    if (this.connection === "polling") this.connection = "offline";
  }

  /** After leaving or an expired turn: back in line (a new number at the back, unless the server still has ours). */
  rejoin(): void {
    this.left = false;
    this.admission = null;
    this.#admittedNumber = null;
    this.entry = null;
    this.#place.reset();
    this.#rebuild.forget();
    this.retry();
  }

  /** What a rebuilt room did to the fan's place ("kept_place", "kept_turn", "lost_place"), until dismissed. */
  get restartNotice(): RestartNotice | null {
    return this.#rebuild.notice;
  }

  dismissRestartNotice(): void {
    this.#rebuild.dismiss();
  }

  destroy(): void {
    this.#destroyed = true;
    if (this.#ticker !== null) this.#clock.clearInterval(this.#ticker);
    this.#clearGiveUp();
    this.#poller.stop();
    this.#link.close();
  }

  #onConnected(): void {
    // Status changes missed while away are not replayed unless the connection was recovered:
    // the frames say the room's state until the next change is pushed.
    this.sale = null;
    this.connection = "connected";
    this.#everConnected = true;
    this.#connectErrors = 0;
    this.#clearGiveUp();
    this.#poller.stop();
  }

  #onDropped(willRetry: boolean): void {
    if (this.#poller.running) return;
    this.connection = willRetry ? "reconnecting" : "offline";
    this.#armGiveUp();
  }

  #onConnectFailed(): void {
    this.#connectErrors += 1;
    if (!this.#poller.running) this.connection = this.#everConnected ? "reconnecting" : "connecting";
    if (this.#connectErrors >= socketConnectErrorsMax) this.#fallBack();
  }

  #armGiveUp(): void {
    this.#clearGiveUp();
    this.#giveUp = this.#clock.setTimeout(() => this.#fallBack(), socketConnectGiveUpMs);
  }

  #clearGiveUp(): void {
    if (this.#giveUp !== null) this.#clock.clearTimeout(this.#giveUp);
    this.#giveUp = null;
  }

  #fallBack(): void {
    this.#clearGiveUp();
    if (this.#destroyed || this.left || this.#link.connected || this.#poller.running) return;
    if (this.#session.token === null) return; // no session yet: start() reports that
    this.connection = "polling";
    this.#poller.start();
  }

  #applyEntry(answer: QueueEntry): void {
    if (answer.eventId !== this.eventId || this.left) return;
    // A join read before the tick that admitted us can answer after the admission's push.
    const entry: QueueEntry = this.#overtaken(answer) ? { ...answer, state: "admitted", position: 0 } : answer;
    if (entry.admission) this.#admittedNumber = entry.queueNumber;
    const change = this.#rebuild.entry(entry);
    if (change !== "same_room") this.#place.newRoom(change === "new_place");
    this.entry = entry;
    this.problem = null;
    if (entry.admission) this.admission = entry.admission;
    else if (entry.state !== "admitted") this.admission = null;
    this.lastUpdateMs = this.#clock.nowMs();
    // A missed departures push: the place is read again (the join answers with a fresh rank).
    if (!this.#place.entry(entry)) this.#link.join();
  }

  /** "Waiting" with the very number we were admitted with: the answer predates the admission
   * (a fan admitted with a number never waits with it again; a new place has a new number). */
  #overtaken(entry: QueueEntry): boolean {
    const admitted = this.#admittedNumber;
    return entry.state === "waiting" && this.admission !== null && admitted !== null && entry.queueNumber === admitted;
  }

  #applyDeparted(push: QueueDeparted): void {
    if (push.eventId !== this.eventId) return;
    this.lastUpdateMs = this.#clock.nowMs();
    if (!this.#place.departed(push)) this.#link.join();
  }

  #applySale(changed: EventStatusChanged): void {
    if (changed.eventId !== this.eventId || changed.atMs < this.#saleAtMs) return;
    this.#saleAtMs = changed.atMs;
    this.sale = changed.status;
    this.lastUpdateMs = this.#clock.nowMs();
  }

  #applyStatus(status: QueueStatus): void {
    if (status.eventId !== this.eventId) return;
    const now = this.#clock.nowMs();
    if (status.sentAtMs !== undefined) {
      if (status.sentAtMs < this.#lastSentAtMs) return; // an older tick overtaken by a newer one
      this.#lastSentAtMs = status.sentAtMs;
      this.#serverOffsetMs = status.sentAtMs - now;
    }
    const wasPreQueue = this.entry !== null && this.entry.queueNumber === null;
    this.status = status;
    this.nowMs = now;
    this.lastUpdateMs = now;
    this.#samples = addRateSample(this.#samples, { atMs: status.sentAtMs ?? now, admittedTotal: status.admittedTotal });
    // The opening numbers the pre-queue; no per-fan push says so, so ask for our number.
    if (wasPreQueue && status.state === "waiting") this.#link.join();
    this.#rejoinIfRebuilt(status);
  }

  /** The room was rebuilt since our entry (its store lost its data): join again at once with the proofs, once per rebuild. */
  #rejoinIfRebuilt(status: QueueStatus): void {
    const inLine =
      this.phase === "pre_queue" || this.phase === "waiting" || this.phase === "paused" || this.phase === "admitted";
    const epoch = inLine ? this.#rebuild.rebuiltSince(status, this.entry) : null;
    if (epoch === null) return;
    const sent = this.#link.connected ? this.#link.join() : this.#poller.requestJoin();
    if (sent) this.#rebuild.asked(epoch); // not sent (a join in flight): the next frame asks again
  }

  #admit(admission: QueueAdmitted): void {
    if (admission.eventId !== this.eventId || this.left) return;
    this.admission = { token: admission.token, expiresAt: admission.expiresAt };
    this.#admittedNumber = admission.queueNumber ?? this.entry?.queueNumber ?? null;
    if (this.entry) this.entry = { ...this.entry, state: "admitted", position: 0 };
  }

  #applyStock(stock: StockUpdate): void {
    if (stock.eventId === this.eventId) this.stock = stock;
  }
}

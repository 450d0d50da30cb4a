// The waiting room's socket: opens it with the fan token, joins on every connect (the server
// hands back the same queue number; each join carries the fan's proofs, which a rebuilt room
// reads to give the place back), forwards the server's pushes, renews a refused session once, and
// reports connection changes to its owner (WaitingRoom), which decides what to show.
import type {
  Ack,
  EventStatusChanged,
  EventUpdated,
  OrderUpdate,
  QueueAdmitted,
  QueueDeparted,
  QueueEntry,
  QueueStatus,
  StockUpdate,
} from "@stampede/shared/protocol";
import type { ErrorCode } from "@stampede/shared/errors";
import type { Clock } from "./clock.js";
import type { FanSessionPort } from "./fan-session.svelte.js";
import { joinRetryDelayMs, socketAckTimeoutMs } from "./limits.js";
import type { JoinProofs } from "./room-rebuild.svelte.js";
import type { QueueSocket, SocketFactory } from "./socket.js";

/** Why the fan is not (yet) in line, in plain words, and whether trying again can help. */
export interface JoinProblem {
  code: string;
  message: string;
  retryable: boolean;
}

export interface QueueLinkDeps {
  eventId: string;
  session: FanSessionPort;
  createSocket: SocketFactory;
  clock: Clock;
  entry(entry: QueueEntry): void;
  status(status: QueueStatus): void;
  admitted(admission: QueueAdmitted): void;
  stock(stock: StockUpdate): void;
  order(update: OrderUpdate): void;
  /** Fans who left the line since the last push (queue:departed). */
  departed(push: QueueDeparted): void;
  /** The sale's status changed (event:status). */
  saleStatus(changed: EventStatusChanged): void;
  /** An admin edited the event (event:updated): the event as it is now. */
  eventUpdated?(updated: EventUpdated): void;
  problem(problem: JoinProblem | null): void;
  connected(): void;
  /** The socket dropped; `willRetry`: it is reconnecting by itself (or we asked it to). */
  dropped(willRetry: boolean): void;
  /** One connection attempt failed (not a refused token). */
  connectFailed(): void;
  /** False once the fan left: connects then stop joining. */
  wantsJoin(): boolean;
  /** Sent with every join (the server reads them only after the room was rebuilt). */
  proofs(): JoinProofs;
}

export class QueueLink {
  #deps: QueueLinkDeps;
  #socket: QueueSocket | null = null;
  #renewed = false;
  #joining = false;
  #retry: ReturnType<Clock["setTimeout"]> | null = null;

  constructor(deps: QueueLinkDeps) {
    this.#deps = deps;
  }

  get isOpen(): boolean {
    return this.#socket !== null;
  }

  get connected(): boolean {
    return this.#socket?.connected ?? false;
  }

  open(fanToken: string): void {
    this.#socket?.disconnect();
    const socket = this.#deps.createSocket(fanToken);
    this.#socket = socket;
    const d = this.#deps;
    const mine = (): boolean => socket === this.#socket;
    socket.on("connect", () => {
      if (!mine()) return;
      this.#renewed = false;
      d.connected();
      this.join();
    });
    socket.on("disconnect", (reason) => {
      if (!mine() || reason === "io client disconnect") return;
      // The server closed us (a node draining): the client will not come back by itself.
      if (!socket.active) this.#later(() => socket.connect());
      d.dropped(true);
    });
    socket.on("connect_error", (error) => {
      if (!mine()) return;
      if (error.message === "unauthorized") void this.#renew();
      else {
        if (!socket.active) this.#later(() => socket.connect()); // refused for another reason: try again
        d.connectFailed();
      }
    });
    socket.on("queue:status", (status) => mine() && d.status(status));
    socket.on("queue:admitted", (admitted) => mine() && d.admitted(admitted));
    socket.on("stock", (stock) => mine() && d.stock(stock));
    socket.on("order:update", (update) => mine() && d.order(update));
    socket.on("queue:departed", (push) => mine() && d.departed(push));
    socket.on("event:status", (changed) => mine() && d.saleStatus(changed));
    socket.on("event:updated", (updated) => mine() && d.eventUpdated?.(updated));
  }

  /** Joins now if connected (every connect joins anyway); one join in flight at a time. Returns whether it sent one. */
  join(): boolean {
    const socket = this.#socket;
    if (socket === null || !socket.connected || this.#joining || !this.#deps.wantsJoin()) return false;
    this.#clearRetry();
    this.#joining = true;
    void this.#joinOnce(socket).finally(() => (this.#joining = false));
    return true;
  }

  /** Returns whether the server acknowledged; without an ack the presence grace drops the place anyway. */
  async leave(): Promise<boolean> {
    this.#clearRetry();
    const socket = this.#socket;
    if (socket === null || !socket.connected) return false;
    try {
      const result = await socket
        .timeout(socketAckTimeoutMs)
        .emitWithAck("queue:leave", { eventId: this.#deps.eventId });
      return result.ok;
    } catch {
      return false; // no ack in time: reported as not acknowledged
    }
  }

  close(): void {
    this.#clearRetry();
    const socket = this.#socket;
    this.#socket = null;
    socket?.disconnect();
  }

  async #joinOnce(socket: QueueSocket): Promise<void> {
    let result: Ack<QueueEntry>;
    try {
      const request = { eventId: this.#deps.eventId, ...this.#deps.proofs() };
      result = await socket.timeout(socketAckTimeoutMs).emitWithAck("queue:join", request);
    } catch {
      // No ack in time, or the socket dropped with the join in flight: ask again.
      if (socket === this.#socket) this.#later(() => this.join());
      return;
    }
    if (socket !== this.#socket) return;
    if (result.ok) {
      this.#deps.problem(null);
      this.#deps.entry(result.data);
      return;
    }
    const problem = joinProblem(result.error.code);
    this.#deps.problem(problem);
    if (problem.retryable) this.#later(() => this.join());
  }

  /** A refused token: one new session and a new socket; refused again → the fan must reload. */
  async #renew(): Promise<void> {
    const refused = this.#socket;
    if (this.#renewed) {
      this.#deps.problem({
        code: "unauthorized",
        message: "Stampede didn't accept your session. Reload the page to start a new one.",
        retryable: false,
      });
      this.#deps.dropped(false);
      return;
    }
    this.#renewed = true;
    const session = await this.#deps.session.renew();
    if (refused !== this.#socket) return; // closed meanwhile
    if (session.ok) this.open(session.data.fanToken);
    else {
      this.#deps.problem({
        code: session.error.code,
        message: "We couldn't renew your session. Check your connection and reload the page.",
        retryable: false,
      });
      this.#deps.dropped(false);
    }
  }

  #later(run: () => void): void {
    this.#clearRetry();
    this.#retry = this.#deps.clock.setTimeout(() => {
      this.#retry = null;
      run();
    }, joinRetryDelayMs);
  }

  #clearRetry(): void {
    if (this.#retry !== null) this.#deps.clock.clearTimeout(this.#retry);
    this.#retry = null;
  }
}

const joinMessages: Partial<Record<ErrorCode, { message: string; retryable: boolean }>> = {
  rate_limited: {
    message: "Lots of people are joining right now. We'll keep trying — stay on this page.",
    retryable: true,
  },
  not_ready: { message: "Stampede is busy for a moment. We'll keep trying — stay on this page.", retryable: true },
  overloaded: {
    message: "Lots of fans are arriving right now. We'll keep trying — stay on this page.",
    retryable: true,
  },
  internal_error: {
    message: "Something went wrong on our side. We'll keep trying — stay on this page.",
    retryable: true,
  },
  sale_not_open: {
    message:
      "The waiting room for this sale isn't open yet. Keep this page open and we'll let you in line as soon as it is.",
    retryable: true,
  },
  not_found: {
    message: "We couldn't find this event's waiting room. The link may be old — go back to the events list.",
    retryable: false,
  },
  unauthorized: { message: "Your session has ended. Reload the page to start a new one.", retryable: false },
  forbidden: { message: "This session can't join the line. Reload the page to start a new one.", retryable: false },
  sold_out: { message: "Sold out — every ticket has been taken.", retryable: false },
  // The waiting room answers these with its browser check (waiting-room.svelte.ts), not the join's retry.
  challenge_required: { message: "Checking your browser…", retryable: false },
  challenge_failed: { message: "Checking your browser again…", retryable: false },
};

/** Plain words for a session that could not start (the fan has no place yet), and whether to keep trying. */
export function sessionProblem(error: { status: number; code: string }): JoinProblem {
  const retryable = error.status === 0 || error.status >= 500 || error.code === "rate_limited";
  return {
    code: error.code,
    message: retryable
      ? "We couldn't start your place in line — Stampede didn't answer. Check your connection; we'll keep trying when you press Try again."
      : "We couldn't start your place in line. Reload the page to try again.",
    retryable,
  };
}

/** Plain words for a refused join (socket ack or REST fallback), and whether to keep trying. */
export function joinProblem(code: string): JoinProblem {
  const known = joinMessages[code as ErrorCode];
  return known
    ? { code, ...known }
    : {
        code,
        message: "We couldn't put you in line just now. We'll keep trying — stay on this page.",
        retryable: true,
      };
}

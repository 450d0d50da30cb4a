// Placing a hold: the admission is checked (signed, this fan, this event, still the fan's live
// admission, no other active hold), then one linked ledger batch holds every tier and the fan's
// allowance, all or nothing. The order row, the payment session and the expiry job follow; a
// crash between the ledger and the order row leaves a hold that simply times out in the ledger.
import type { Clock } from "@stampede/shared/ports/clock";
import type { HoldView } from "@stampede/shared/api/orders";
import { assert } from "@stampede/shared/assert";
import { allowanceLeft } from "@stampede/shared/core/allowance";
import { accountId } from "@stampede/shared/core/ledger-ids";
import { holdOutcome, planHold, planVoid, settleOutcome, type HoldRef } from "@stampede/shared/core/ledger-plans";
import type { ErrorCode } from "@stampede/shared/errors";
import { uuidv7 } from "@stampede/shared/ids";
import { stockTickMs } from "@stampede/shared/limits";
import { LedgerUnavailableError, type Ledger } from "@stampede/shared/ledger/port";
import type { WaitingRoom } from "@stampede/shared/ports/waiting-room";
import { providerFor } from "@stampede/shared/core/payment-providers";
import type { PaymentProviders } from "@stampede/shared/ports/payment-providers";
import type { SessionLineItem } from "@stampede/shared/ports/payment-provider";
import { DomainError } from "../errors.js";
import type { EventCache } from "../events/event-cache.js";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";
import { readStock } from "../events/inventory.js";
import type { AdmissionClaims, TokenService } from "../fans/tokens.js";
import type { StockCache } from "../waiting-room/stock-cache.js";
import type { DomainEvents } from "../../adapters/redis/domain-events.js";
import { earlierHoldExpiry } from "./hold-resume.js";
import { nothingHeld, type HoldAttempt } from "./idempotency.js";
import type { OrderTokens } from "./order-token.js";
import type { AccessCodes } from "./access-codes.js";
import type { OrderItem, OrderRecord, OrdersRepo } from "../../adapters/postgres/orders-repo.js";

export interface HoldRequestBody {
  admissionToken: string;
  items: Array<{ classId: string; quantity: number }>;
  email: string;
  code?: string | undefined;
}

/** The 201 of POST /api/events/:eventId/holds (shared/src/api/orders.ts). */
export type PlacedHold = HoldView;

export interface HoldsDeps {
  orders: OrdersRepo;
  events: EventCache;
  tokens: TokenService;
  store: WaitingRoom;
  ledger: Ledger;
  stock: StockCache;
  providers: PaymentProviders;
  orderTokens: OrderTokens;
  domainEvents: DomainEvents;
  /** Presale and promo codes: the one a hold is placed with, checked and priced (its use is the ledger's). */
  codes: Pick<AccessCodes, "forHold">;
  /** Schedules the expiry job (layer 2) at expiresAt; best effort — the sweeper and the ledger timeout back it up. */
  scheduleExpiry: (orderId: string, expiresAtMs: number) => Promise<void>;
  publicUrl: () => string;
  /** Gives back an admission the waiting room lost with its store (a Redis restart or flush): true if it did. */
  restoreAdmission: (eventId: string, fanId: string, claims: AdmissionClaims) => Promise<boolean>;
  now?: Clock;
}

interface HeldInLedger {
  event: EventRecord;
  fanId: string;
  jti: string;
  email: string;
  orderId: string;
  items: OrderItem[];
  codeId: string | null;
  code: string | null;
  expiresAtMs: number;
}

/** The oldest stock snapshot a hold may be told "sold out" from: one stock tick missed. */
const soldOutSnapshotMaxAgeMs = 2 * stockTickMs;

const refuse = (code: ErrorCode, message: string) => new DomainError(code, message);
const soldOut = () => refuse("sold_out", "every ticket is taken");
const holdActive = () => refuse("hold_active", "you already hold tickets: pay for them or cancel first");

const stockRefusals = new WeakSet<DomainError>();
/** Marks a refusal for want of stock while the sale may still have some (a tier gone, fewer left than asked). */
function forStock(err: DomainError): DomainError {
  stockRefusals.add(err);
  return err;
}
/** A refusal for want of stock while the sale may still have some: the fan's try is over, though it
 * left no order (stock-aware admission stops waiting for it: fansAboutToOrder). */
export function isStockRefusal(err: unknown): boolean {
  return err instanceof DomainError && stockRefusals.has(err);
}

export class HoldsService {
  private readonly now: Clock;
  constructor(private readonly deps: HoldsDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The published event and how many more tickets this fan may hold for it (the ledger's allowance); null: no such event. */
  async fanAllowance(fanId: string, eventId: string): Promise<{ event: EventRecord; remaining: number } | null> {
    const event = await this.deps.events.get(eventId);
    if (!event || event.status === "draft") return null;
    const [account] = await this.deps.ledger.lookupAccounts([accountId("allowance", event.ledger, fanId)]);
    return { event, remaining: allowanceLeft(account ?? null, event.waitingRoom.perFanMax) };
  }

  /** The fan's live admission to the event: its jti; admission_required when the token is not one. */
  async checkAdmission(event: EventRecord, fanId: string, token: string): Promise<string> {
    const claims = await this.deps.tokens.verifyAdmission(token);
    const denied = () =>
      refuse("admission_required", "wait for your turn in the queue: this checkout needs a valid admission");
    if (!claims || claims.fanId !== fanId || claims.eventId !== event.id || claims.expiresAtMs <= this.now())
      throw denied();
    let entry = await this.deps.store.entry(event.id, fanId);
    // No trace of the fan at all: the room lost its store since the admission; the token is the proof.
    if (!entry && (await this.deps.restoreAdmission(event.id, fanId, claims)))
      entry = await this.deps.store.entry(event.id, fanId);
    // The token must still be the fan's live admission (not one that ended when they left or paid).
    if (entry?.state !== "admitted" || entry.admission?.jti !== claims.jti || entry.admission.expiresAtMs <= this.now())
      throw denied();
    return claims.jti;
  }

  private orderItems(event: EventRecord, items: HoldRequestBody["items"]): OrderItem[] {
    if (new Set(items.map((i) => i.classId)).size !== items.length) {
      throw refuse("invalid_request", "body.items: one line per ticket class");
    }
    return items.map((item, i) => {
      const c = event.classes.find((x) => x.id === item.classId);
      if (!c) throw refuse("invalid_request", `body.items.${i}.classId: not a ticket class of this event`);
      if (item.quantity > c.perOrderMax) {
        throw refuse(
          "invalid_request",
          `body.items.${i}.quantity: at most ${c.perOrderMax} ${c.name} tickets per order`,
        );
      }
      return { classId: c.id, code: c.code, quantity: item.quantity, unitPriceCents: c.priceCents };
    });
  }

  /**
   * Places a hold under the attempt's order id. A resumed attempt (the same Idempotency-Key after
   * a crash or an ambiguous failure) answers with the order an earlier attempt made, or finishes
   * what it left: the ledger answers the same ids with `exists`, so there is never a second hold.
   */
  async place(
    fanId: string,
    eventId: string,
    body: HoldRequestBody,
    attempt: HoldAttempt = { orderId: uuidv7(), resumed: false },
  ): Promise<PlacedHold> {
    const event = await this.deps.events.get(eventId);
    if (!event || event.status === "draft") throw refuse("not_found", "no such event");
    const earlier = attempt.resumed ? await this.deps.orders.get(attempt.orderId) : null;
    if (earlier) return this.earlierOrder(earlier, fanId);
    const jti = await this.checkAdmission(event, fanId, body.admissionToken);
    if (event.status === "sold_out") throw soldOut();
    if (event.status !== "on_sale") throw refuse("sale_not_open", `the sale is ${event.status.replace("_", " ")}`);
    const listed = this.orderItems(event, body.items);
    const code = await this.deps.codes.forHold(event, body.code, listed);
    const items = code?.items ?? listed;
    const codeId = code?.codeId ?? null;
    // The stock snapshot was read before any of this (soldOutAtOnce): the ledger decides from here.
    if (await this.deps.orders.hasActiveHold(jti)) throw holdActive();
    const expiresAtMs = await this.holdInLedger(event, fanId, attempt.orderId, items, codeId);
    const held = { event, fanId, jti, email: body.email, orderId: attempt.orderId, items, codeId };
    return this.openOrder({ ...held, code: code?.code ?? null, expiresAtMs });
  }

  /** The payment session and the order row for a hold in place. */
  private async openOrder(hold: HeldInLedger): Promise<PlacedHold> {
    const { event, orderId, items, expiresAtMs } = hold;
    const { token, hash } = this.deps.orderTokens.of(orderId);
    const totalCents = items.reduce((s, i) => s + i.quantity * i.unitPriceCents, 0);
    const currency = event.classes[0]?.currency ?? "USD";
    const session = await Promise.resolve()
      .then(() => providerFor(this.deps.providers, event.paymentProvider))
      .then((provider) =>
        provider.createSession({
          orderId,
          amountCents: totalCents,
          currency,
          description: `${event.name}: ${items.map((i) => `${i.quantity} × ${i.code}`).join(", ")}`,
          returnUrl: `${this.deps.publicUrl()}/orders/${orderId}#token=${token}`,
          payBy: new Date(expiresAtMs).toISOString(), // the page counts down to the hold's end
          lineItems: lineItemsOf(event, items),
        }),
      )
      .catch((err: unknown) => this.voidAfter(err, holdRefOf(hold)));
    const expiresAt = new Date(expiresAtMs).toISOString();
    const inserted = await this.deps.orders.insertHeld({
      ...{
        id: orderId,
        eventId: event.id,
        fanId: hold.fanId,
        email: hold.email,
        admissionJti: hold.jti,
        holdId: orderId,
      },
      ...{ items, totalCents, currency, orderTokenHash: hash, expiresAt, codeId: hold.codeId, code: hold.code },
      ...{
        paymentProvider: event.paymentProvider,
        paymentSessionId: session.sessionId,
        paymentUrl: session.paymentUrl,
      },
    });
    if (!inserted) {
      // Already there (another attempt of this very request got in first), or another hold of this admission won the race.
      const ours = await this.deps.orders.get(orderId);
      if (ours) return this.earlierOrder(ours, hold.fanId);
      await this.deps.ledger.createTransfers(planVoid(holdRefOf(hold)));
      throw holdActive();
    }
    await this.deps.scheduleExpiry(orderId, expiresAtMs).catch(() => {}); // the sweeper is the backstop
    const quantity = items.reduce((s, i) => s + i.quantity, 0);
    const placed = {
      orderId,
      eventId: event.id,
      fanId: hold.fanId,
      status: "held",
      quantity,
      totalCents,
      atMs: this.now(),
    } as const;
    await this.deps.domainEvents.publish({ type: "hold.placed", ...placed });
    return {
      orderId,
      orderToken: token,
      status: "held",
      expiresAt,
      items,
      totalCents,
      currency,
      paymentUrl: session.paymentUrl,
    };
  }

  /**
   * No payment session, so no order: give the stock back now rather than at the ledger timeout.
   * Voided, the order id holds nothing and the retry may start afresh; if the void fails too, the
   * retry resumes this hold (or the ledger's timeout ends it).
   */
  private async voidAfter(err: unknown, hold: HoldRef): Promise<never> {
    const voided = await this.deps.ledger
      .createTransfers(planVoid(hold))
      .then((results) => ["done", "already_voided", "expired", "not_found"].includes(settleOutcome(results).kind))
      .catch(() => false);
    throw voided && typeof err === "object" && err !== null ? nothingHeld(err) : err;
  }

  /** The order an earlier attempt of this request made: its answer again while it is held. */
  private earlierOrder(order: OrderRecord, fanId: string): PlacedHold {
    assert(order.fanId === fanId, `order ${order.id} resumed by another fan`);
    if (order.status !== "held")
      throw refuse("conflict", `the hold this request placed has ended: the order is ${order.status}`);
    assert(order.paymentUrl !== null, `held order ${order.id} without a payment link`);
    return {
      orderId: order.id,
      orderToken: this.deps.orderTokens.of(order.id).token,
      status: "held",
      expiresAt: order.expiresAt,
      items: order.items,
      totalCents: order.totalCents,
      currency: order.currency,
      paymentUrl: order.paymentUrl,
    };
  }

  /**
   * Sold out, told before any work: the event is marked sold out, or a tier asked for is at 0 in
   * the stock snapshot. After a sell-out the crowd's attempts are answered for a cached read —
   * no admission check, no idempotency claim, no turn at the checkout's gate (the stock is public:
   * every fan's page shows it). Bad input still gets its 422 first. Null when the request must
   * take the whole path; the caller must still let a request with an Idempotency-Key replay
   * an earlier answer (see `IdempotentRequests.answerAtOnce`).
   */
  async soldOutAtOnce(eventId: string, body: HoldRequestBody): Promise<DomainError | null> {
    const event = await this.deps.events.get(eventId);
    if (!event || (event.status !== "on_sale" && event.status !== "sold_out")) return null;
    const items = this.orderItems(event, body.items);
    if (event.status === "sold_out") return soldOut();
    return this.soldOutTier(event, items);
  }

  /**
   * A tier at 0 in the stock snapshot (the one fans see, asked at most two stock ticks ago, dropped
   * when a hold ends or a refund returns stock) is sold out without asking the ledger. A snapshot that
   * still shows stock refuses nothing — the ledger decides those, so this can never oversell.
   */
  private async soldOutTier(event: EventRecord, items: OrderItem[]): Promise<DomainError | null> {
    // Never waits on the ledger: a shortcut must not make a hold fail or wait that the full path
    // would serve (measured: with the ledger cut off, every hold waited out the ledger's deadline
    // here, before the checkout's gate, and none was refused as overloaded).
    const stock = this.deps.stock.recent(event, soldOutSnapshotMaxAgeMs);
    if (!stock) return null;
    const gone = items.find((i) => stock.classes.find((c) => c.id === i.classId)?.available === 0);
    return gone ? forStock(refuse("sold_out", `${gone.code} is sold out`)) : null;
  }

  /**
   * The allowance is used up. A pending hold among its debits means a hold of this fan's is still
   * open or being placed (concurrent requests on one admission): say so, not "limit reached".
   */
  private async overAllowance(event: EventRecord, fanId: string): Promise<DomainError> {
    const [account] = await this.deps.ledger.lookupAccounts([accountId("allowance", event.ledger, fanId)]);
    if (account && account.debits_pending > 0n) return holdActive();
    return refuse("fan_limit_reached", `at most ${event.waitingRoom.perFanMax} tickets per fan for this event`);
  }

  /**
   * The tier could not cover the request. How many are left is read from the ledger now, not from
   * the stock snapshot: fans racing for the last tickets lose to holds the snapshot has not seen.
   */
  private async outOfStock(event: EventRecord, tierId: string): Promise<DomainError> {
    const left = (await readStock(this.deps.ledger, [event])).get(event.id)?.classes.get(tierId)?.available ?? 0;
    const code = event.classes.find((c) => c.id === tierId)?.code ?? "?";
    if (left > 0) return forStock(refuse("insufficient_stock", `only ${left} ${code} tickets left`));
    return forStock(refuse("sold_out", `${code} is sold out`));
  }

  /** Holds the items in the ledger under orderId; returns when the hold ends (epoch ms). */
  private async holdInLedger(
    event: EventRecord,
    fanId: string,
    orderId: string,
    items: OrderItem[],
    codeId: string | null,
  ): Promise<number> {
    const plan = planHold({
      codeId,
      ledger: event.ledger,
      holdId: orderId,
      fanId,
      perFanMax: event.waitingRoom.perFanMax,
      holdSeconds: event.waitingRoom.holdSeconds,
      items: items.map((i) => ({ tierId: i.classId, quantity: i.quantity })),
    });
    const placedAtMs = this.now();
    await this.deps.ledger.createAccounts(plan.accounts);
    const outcome = holdOutcome(plan, await this.deps.ledger.createTransfers(plan.transfers));
    switch (outcome.kind) {
      case "placed":
        return outcome.retried ? this.earlierHold(plan.hold) : placedAtMs + event.waitingRoom.holdSeconds * 1000;
      case "fan_limit_reached":
        throw await this.overAllowance(event, fanId);
      case "code_used_up":
        throw refuse("code_used_up", "this code has been used as many times as it may be");
      case "sold_out":
        throw await this.outOfStock(event, outcome.tierId);
      case "already_failed": // a transient failure of this very hold id: nothing was held, nor ever will be under this id
        throw nothingHeld(
          new LedgerUnavailableError(`hold ${orderId}: an earlier attempt of this id failed transiently`),
        );
      default:
        throw new Error(`hold ${orderId} refused by the ledger: ${JSON.stringify(outcome)}`);
    }
  }

  /** The hold an earlier attempt placed under this id: its own end, or — ended already — a fresh start for the retry. */
  private async earlierHold(hold: HoldRef): Promise<number> {
    const expiresAtMs = await earlierHoldExpiry(this.deps.ledger, hold, this.now());
    if (expiresAtMs === null) {
      throw nothingHeld(
        new LedgerUnavailableError(`hold ${hold.holdId}: an earlier attempt's hold has already ended; retry`),
      );
    }
    return expiresAtMs;
  }
}

/** The ledger's hold of an order being placed: its tiers and its code's use. */
function holdRefOf(hold: HeldInLedger): HoldRef {
  return {
    ledger: hold.event.ledger,
    holdId: hold.orderId,
    tierIds: hold.items.map((i) => i.classId),
    codeId: hold.codeId,
  };
}

/** What the provider's page lists: a line per tier, named by the event and the tier. */
function lineItemsOf(event: EventRecord, items: readonly OrderItem[]): SessionLineItem[] {
  return items.map((i) => ({
    name: `${event.name} — ${event.classes.find((c) => c.id === i.classId)?.name ?? i.code}`,
    unitAmountCents: i.unitPriceCents,
    quantity: i.quantity,
  }));
}

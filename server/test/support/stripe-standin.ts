// A local stand-in for Stripe (never used by production code): a node:http server speaking the few
// API endpoints the Stripe adapter calls, the way the official SDK sends them (form-encoded bodies
// with bracketed keys, Bearer key, Idempotency-Key) and the way Stripe answers (its objects, its
// error envelope, 404 resource_missing, idempotency replays and idempotency_error), plus test
// controls that play the fan and the Dashboard and deliver the resulting events, signed with the
// SDK's test header, to a webhook URL: with retries on a non-2xx answer as Stripe does, and on
// request twice, held back, or in reverse order.
//
//   POST /v1/checkout/sessions          GET /v1/checkout/sessions/:id    GET /v1/checkout/sessions?payment_intent=
//   POST /v1/refunds                    GET /v1/refunds?payment_intent=
//   GET  /c/pay/:id                     (the hosted page: Pay, Pay by bank, Back — for a browser)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import type { StripeConnectionOptions } from "../../src/payments/stripe/client.js";
import {
  invalid,
  makeEvent,
  missing,
  nowSeconds,
  StandinAccount,
  StandinApiError,
  stripeId,
  type SessionJson,
  type StandinEvent,
} from "./stripe-standin-objects.js";
import { renderPage } from "./stripe-standin-page.js";

export type { StandinEvent } from "./stripe-standin-objects.js";

export interface StandinOptions {
  apiKey: string;
  webhookSecret: string;
  /** Where events go; without one they are only recorded (`events`) for the test to hand over. */
  webhookUrl?: string;
  /** Delivery attempts per event (Stripe retries a non-2xx answer for days; here a few quick ones). */
  attemptsMax?: number;
}

export interface DeliveryOptions {
  /** Each event delivered this many times (a duplicate delivery, as Stripe's at-least-once gives). */
  copies?: number;
  /** The events of this batch sent last first. */
  reversed?: boolean;
  /** Not sent now: kept until release(). */
  hold?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, unknown>;
  headers: IncomingMessage["headers"];
}

export interface DeliveryAttempt {
  eventId: string;
  type: string;
  attempt: number;
  /** The status answered, or the network error. */
  outcome: number | string;
}

interface CannedAnswer {
  status: number;
  body: string;
  contentType?: string;
}

type Answer = { status: number; json: unknown; replayed?: boolean };

/** Form and query strings as Stripe reads them: `a[b][0][c]=v` is {a: {b: [{c: "v"}]}}. */
export function parseStripeForm(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.split("[").map((part, i) => (i === 0 ? part : part.replace(/\]$/, "")));
    let node: Record<string, unknown> = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) {
        node[part] = value;
        return;
      }
      const next = path[i + 1] ?? "";
      node[part] ??= /^\d+$/.test(next) ? [] : {};
      node = node[part] as Record<string, unknown>;
    });
  }
  return root;
}

/** Params in one canonical text, so a repeat is compared by content, not by key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const int = (v: unknown): number | undefined => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined);
const record = (v: unknown): Record<string, string> =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, string>) : {};

function httpUrl(value: unknown, param: string): string | null {
  if (value === undefined) return null;
  if (typeof value !== "string" || !URL.canParse(value.replace("{CHECKOUT_SESSION_ID}", "x")))
    throw invalid(`Not a valid URL`, param);
  return value;
}

/** The line items of a payment-mode session, checked as Stripe checks them; gives the total and currency. */
function lineItems(params: Record<string, unknown>): { total: number; currency: string } {
  const items = params.line_items;
  if (!Array.isArray(items) || items.length === 0)
    throw invalid("You must provide at least one line item in `payment` mode.", "line_items");
  let total = 0;
  const currencies = new Set<string>();
  items.forEach((raw, i) => {
    const item = record(raw) as Record<string, unknown>;
    const price = record(item.price_data) as Record<string, unknown>;
    const quantity = int(item.quantity);
    const amount = int(price.unit_amount);
    const currency = str(price.currency);
    const name = str(record(price.product_data).name);
    if (quantity === undefined || quantity < 1) throw invalid("Invalid integer", `line_items[${i}][quantity]`);
    if (amount === undefined) throw invalid("Invalid integer", `line_items[${i}][price_data][unit_amount]`);
    if (currency === undefined || !/^[a-z]{3}$/.test(currency))
      throw invalid("Invalid currency", `line_items[${i}][price_data][currency]`);
    if (name === undefined || name === "")
      throw invalid("Missing required param", `line_items[${i}][price_data][product_data][name]`);
    total += amount * quantity;
    currencies.add(currency);
  });
  if (currencies.size > 1) throw invalid("All line items must have the same currency.", "line_items");
  return { total, currency: [...currencies][0]! };
}

export class StripeStandin {
  readonly account = new StandinAccount();
  readonly requests: RecordedRequest[] = [];
  readonly events: StandinEvent[] = [];
  readonly deliveries: DeliveryAttempt[] = [];
  webhookUrl: string | undefined;
  url = "";
  private readonly server: Server;
  private readonly idempotent = new Map<string, { route: string; params: string; answer: Answer }>();
  private readonly canned: CannedAnswer[] = [];
  private readonly held: StandinEvent[] = [];
  private readonly pending = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: StandinOptions) {
    this.webhookUrl = options.webhookUrl;
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => this.handle(req, res, Buffer.concat(chunks).toString("utf8")));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The adapter's options to reach this stand-in. */
  connection(): StripeConnectionOptions {
    const { port } = new URL(this.url);
    return { apiKey: this.options.apiKey, host: "127.0.0.1", port: Number(port), protocol: "http" };
  }

  /** The next `count` API requests get this answer instead (a 500, a 429, a proxy's HTML page…). */
  failNext(answer: CannedAnswer, count = 1): void {
    for (let i = 0; i < count; i++) this.canned.push(answer);
  }

  // Test controls: each is what the fan, the bank or the Dashboard does; the events it gives are
  // recorded, delivered (unless held) and returned.

  complete(sessionId: string, options: DeliveryOptions & { async?: boolean } = {}): StandinEvent[] {
    return this.emitAll(this.account.complete(sessionId, options), options);
  }

  succeedAsync(sessionId: string, options: DeliveryOptions = {}): StandinEvent[] {
    return this.emitAll(this.account.succeedAsync(sessionId), options);
  }

  failAsync(sessionId: string, options: DeliveryOptions = {}): StandinEvent[] {
    return this.emitAll(this.account.failAsync(sessionId), options);
  }

  expire(sessionId: string, options: DeliveryOptions = {}): StandinEvent[] {
    return this.emitAll(this.account.expire(sessionId), options);
  }

  /** A refund made in the Dashboard (in full unless an amount is given). */
  refundFromDashboard(sessionId: string, options: DeliveryOptions & { amount?: number } = {}): StandinEvent[] {
    const pi = this.account.session(sessionId).payment_intent;
    if (pi === null) throw new Error(`session ${sessionId} was never paid`);
    const { events } = this.account.refund(pi, { ...(options.amount === undefined ? {} : { amount: options.amount }) });
    return this.emitAll(events, options);
  }

  /** Any other event (a type the adapter does not act on), about any object. */
  emit(type: string, object: object, options: DeliveryOptions = {}): StandinEvent {
    return this.emitAll([makeEvent(type, object)], options)[0]!;
  }

  /** Where the fan lands after paying: the success URL with the session's id put in. */
  successUrl(sessionId: string): string {
    const session = this.account.session(sessionId);
    return (session.success_url ?? "").replace("{CHECKOUT_SESSION_ID}", sessionId);
  }

  cancelUrl(sessionId: string): string {
    const session = this.account.session(sessionId);
    return (session.cancel_url ?? "").replace("{CHECKOUT_SESSION_ID}", sessionId);
  }

  /** Sends the held events (in the order they were made, unless reversed). */
  release(options: Omit<DeliveryOptions, "hold"> = {}): void {
    this.deliver(this.held.splice(0), options);
  }

  /** Delivers events (again): each signed afresh, the same bytes every time. */
  deliver(events: readonly StandinEvent[], options: DeliveryOptions = {}): void {
    if (options.hold === true) {
      this.held.push(...events);
      return;
    }
    const ordered = options.reversed === true ? [...events].reverse() : [...events];
    const batch: StandinEvent[] = [];
    for (let copy = 0; copy < (options.copies ?? 1); copy++) batch.push(...ordered);
    this.track(this.deliverBatch(batch));
  }

  /** A delivery's body and Stripe-Signature, as this stand-in (or a forger, with another secret or time) signs it. */
  signed(event: StandinEvent, options: { secret?: string; timestamp?: number } = {}): { body: string; header: string } {
    const header = Stripe.webhooks.generateTestHeaderString({
      payload: event.body,
      secret: options.secret ?? this.options.webhookSecret,
      timestamp: options.timestamp ?? nowSeconds(),
    });
    return { body: event.body, header };
  }

  /** Resolves once no delivery is under way or waiting for a retry. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
    await this.idle();
  }

  private emitAll(events: StandinEvent[], options: DeliveryOptions): StandinEvent[] {
    this.events.push(...events);
    if (this.webhookUrl !== undefined) this.deliver(events, options);
    return events;
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** First attempts in order, one after the other; an event refused is retried on its own, so it
   * never holds back the ones after it (that is how a retried event arrives after later ones). */
  private async deliverBatch(batch: readonly StandinEvent[]): Promise<void> {
    for (const event of batch) if (!(await this.attempt(event, 1))) this.track(this.retry(event));
  }

  private async retry(event: StandinEvent): Promise<void> {
    const attemptsMax = this.options.attemptsMax ?? 8;
    for (let attempt = 2; attempt <= attemptsMax && !this.closed; attempt++) {
      // Stripe's backoff, scaled down: the provider's own pacing, not a test waiting on time.
      await new Promise((r) => setTimeout(r, 25 * 2 ** (attempt - 2)));
      if (await this.attempt(event, attempt)) return;
    }
  }

  private async attempt(event: StandinEvent, attempt: number): Promise<boolean> {
    const url = this.webhookUrl;
    if (url === undefined || this.closed) return true;
    const { body, header } = this.signed(event);
    const record = (outcome: number | string) =>
      this.deliveries.push({ eventId: event.id, type: event.type, attempt, outcome });
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "stripe-signature": header,
          "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        },
        body,
        signal: AbortSignal.timeout(5_000),
      });
      await res.arrayBuffer();
      record(res.status);
      return res.status >= 200 && res.status < 300;
    } catch (err) {
      record(err instanceof Error ? err.message : String(err));
      return false;
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? "/", "http://standin");
    if (url.pathname.startsWith("/c/pay/")) return this.page(req, res, url, body);
    const params = req.method === "GET" ? parseStripeForm(url.search.slice(1)) : parseStripeForm(body);
    this.requests.push({ method: req.method ?? "", path: url.pathname, params, headers: req.headers });
    const canned = this.canned.shift();
    if (canned !== undefined) {
      res.writeHead(canned.status, { "content-type": canned.contentType ?? "application/json" }).end(canned.body);
      return;
    }
    const answer = this.answer(req, url, params);
    const headers: Record<string, string> = { "content-type": "application/json", "request-id": stripeId("req_", 14) };
    if (answer.replayed === true) headers["idempotent-replayed"] = "true";
    const key = req.headers["idempotency-key"];
    if (typeof key === "string") headers["idempotency-key"] = key;
    res.writeHead(answer.status, headers).end(JSON.stringify(answer.json));
  }

  private answer(req: IncomingMessage, url: URL, params: Record<string, unknown>): Answer {
    if (req.headers.authorization !== `Bearer ${this.options.apiKey}`)
      return error(401, { type: "invalid_request_error", message: "Invalid API Key provided: sk_****" });
    const route = `${req.method} ${url.pathname}`;
    const key = req.headers["idempotency-key"];
    if (req.method !== "POST" || typeof key !== "string") return this.run(req.method ?? "", url.pathname, params);
    const seen = this.idempotent.get(key);
    if (seen !== undefined) {
      if (seen.route !== route || seen.params !== canonical(params))
        return error(400, {
          type: "idempotency_error",
          message:
            "Keys for idempotent requests can only be used with the same parameters they were first used with. " +
            `Try using a key other than '${key}' if you meant to execute a different request.`,
        });
      return { ...seen.answer, replayed: true };
    }
    const answer = this.run("POST", url.pathname, params);
    // Stripe saves the answer once the endpoint ran; a request refused as invalid is not saved.
    if (answer.status === 200) this.idempotent.set(key, { route, params: canonical(params), answer });
    return answer;
  }

  private run(method: string, path: string, params: Record<string, unknown>): Answer {
    try {
      // A snapshot: an idempotent replay gives the answer as it was, not the object as it is now.
      return { status: 200, json: structuredClone(this.route(method, path, params)) };
    } catch (err) {
      if (err instanceof StandinApiError) return error(err.status, err.body);
      throw err;
    }
  }

  private route(method: string, path: string, params: Record<string, unknown>): unknown {
    const session = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path);
    if (method === "POST" && path === "/v1/checkout/sessions") return this.createSession(params);
    if (method === "GET" && session) return this.account.session(decodeURIComponent(session[1]!));
    if (method === "GET" && path === "/v1/checkout/sessions") return this.listSessions(params);
    if (method === "POST" && path === "/v1/refunds") return this.createRefund(params);
    if (method === "GET" && path === "/v1/refunds") return this.listRefunds(params);
    throw new StandinApiError(404, {
      type: "invalid_request_error",
      message: `Unrecognized request URL (${method}: ${path}). The stand-in speaks only the calls the adapter makes.`,
    });
  }

  private createSession(params: Record<string, unknown>): SessionJson {
    if (params.mode !== "payment") throw invalid("The stand-in knows `payment` mode only.", "mode");
    const { total, currency } = lineItems(params);
    const now = nowSeconds();
    const expiresAt = params.expires_at === undefined ? now + 24 * 3600 : int(params.expires_at);
    if (expiresAt === undefined || expiresAt < now + 30 * 60 || expiresAt > now + 24 * 3600)
      throw invalid(
        "The `expires_at` timestamp must be between 30 minutes and 24 hours after Checkout Session creation.",
        "expires_at",
      );
    const reference = str(params.client_reference_id) ?? null;
    if (reference !== null && reference.length > 200) throw invalid("Too long", "client_reference_id");
    const id = stripeId("cs_test_", 58);
    const session: SessionJson = {
      id,
      object: "checkout.session",
      amount_subtotal: total,
      amount_total: total,
      cancel_url: httpUrl(params.cancel_url, "cancel_url"),
      client_reference_id: reference,
      created: now,
      currency,
      expires_at: expiresAt,
      livemode: false,
      metadata: record(params.metadata),
      mode: "payment",
      payment_intent: null,
      payment_status: "unpaid",
      status: "open",
      success_url: httpUrl(params.success_url, "success_url"),
      url: `${this.url}/c/pay/${id}`,
    };
    this.account.sessions.set(id, session);
    this.account.paymentMetadata.set(id, record(record(params.payment_intent_data).metadata));
    return session;
  }

  private listSessions(params: Record<string, unknown>): unknown {
    const pi = str(params.payment_intent);
    const all = [...this.account.sessions.values()].reverse();
    const data = all.filter((s) => pi === undefined || s.payment_intent === pi).slice(0, int(params.limit) ?? 10);
    return { object: "list", data, has_more: false, url: "/v1/checkout/sessions" };
  }

  private createRefund(params: Record<string, unknown>): unknown {
    const pi = str(params.payment_intent);
    if (pi === undefined) throw invalid("One of `charge` or `payment_intent` is required.", "payment_intent");
    const amount = int(params.amount);
    const { refund, events } = this.account.refund(pi, {
      ...(amount === undefined ? {} : { amount }),
      metadata: record(params.metadata),
    });
    this.emitAll(events, {});
    return refund;
  }

  private listRefunds(params: Record<string, unknown>): unknown {
    const pi = str(params.payment_intent);
    if (pi !== undefined && !this.account.paymentIntents.has(pi))
      throw missing("payment_intent", pi, "payment_intent", 400);
    const all = [...this.account.refunds.values()].reverse();
    const data = all.filter((r) => pi === undefined || r.payment_intent === pi).slice(0, int(params.limit) ?? 10);
    return { object: "list", data, has_more: false, url: "/v1/refunds" };
  }

  /** The hosted page, for a browser: GET shows it; POST pay / pay-async completes and sends the fan back. */
  private page(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    const match = /^\/c\/pay\/([^/]+)(?:\/(pay|pay-async))?$/.exec(url.pathname);
    const session = match ? this.account.sessions.get(match[1]!) : undefined;
    if (!match || !session) return void res.writeHead(404, { "content-type": "text/plain" }).end("no such session");
    if (req.method === "GET" && match[2] === undefined)
      return void res
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end(renderPage(session, this.cancelUrl(session.id)));
    if (req.method !== "POST" || match[2] === undefined || body.length > 10_000)
      return void res.writeHead(405, { "content-type": "text/plain" }).end("method not allowed");
    if (session.status !== "open")
      return void res.writeHead(409, { "content-type": "text/plain" }).end(`this session is ${session.status}`);
    this.complete(session.id, { async: match[2] === "pay-async" });
    res.writeHead(303, { location: this.successUrl(session.id) }).end();
  }
}

function error(status: number, body: { type: string; message: string; code?: string; param?: string }): Answer {
  return { status, json: { error: body } };
}

export async function startStripeStandin(options: StandinOptions): Promise<StripeStandin> {
  return new StripeStandin(options).start();
}

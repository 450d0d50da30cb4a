// The admin API's answers (contract.md "Admin") and the admin socket's payloads of the same names
// (protocol.ts re-exports those types): sign-in, the invariant audit, live stats, the sales feed
// and the admission controller. The server's handlers are typed from these schemas and its
// response check parses each HTTP answer with them; the client reads the same types. The sign-in
// body is here too: the server's route validates it, the client sends its type.
import { z } from "zod";
import { adminRoles } from "../roles.js";
import { admissionModes, paymentProviderNames } from "./events.js";
import { orderStatuses, type OrderStatus } from "./orders.js";

const count = z.int().min(0);

/** `POST /api/admin/login`. */
export const adminLoginInput = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) });

/** `GET /api/admin/me` and `POST /api/admin/login`; `csrfToken` is null for HTTP Basic callers.
 * `paymentProviders`: the providers this server is configured for, so the New event form offers only those. */
export const adminMeView = z.strictObject({
  username: z.string(),
  role: z.enum(adminRoles),
  csrfToken: z.string().nullable(),
  paymentProviders: z.array(z.enum(paymentProviderNames)),
});
export type AdminMeView = z.output<typeof adminMeView>;

/** A row of `GET /api/admin/users`, and `201` of `POST /api/admin/users`. */
export const adminUserView = z.strictObject({
  id: z.string(),
  username: z.string(),
  role: z.enum(adminRoles),
  createdAt: z.iso.datetime(),
});

/** `GET /api/admin/events/:id/audit`: the ledger invariant checked per tier and per perk. Figures
 * are what the ledger holds, so a broken one may show a negative count (and a problem naming it). */
export const auditView = z.strictObject({
  eventId: z.string(),
  ok: z.boolean(),
  checkedAt: z.iso.datetime(),
  classes: z.array(
    z.strictObject({
      classId: z.string(),
      code: z.string(),
      capacity: z.int(),
      available: z.int(),
      held: z.int(),
      sold: z.int(),
      ok: z.boolean(),
      problems: z.array(z.string()),
      /** What the orders say: tickets of paid and held orders, and of refunds still returning stock;
       * resold: tickets sold on through resale (still one seat each: counted with the buyer's order). */
      orders: z.strictObject({ paid: z.int(), held: z.int(), returning: z.int(), resold: z.int().optional() }),
    }),
  ),
  perks: z.array(
    z.strictObject({
      perkId: z.string(),
      code: z.string(),
      capacity: z.int(),
      granted: z.int(),
      /** Paid orders with the perk. */
      recorded: z.int(),
      ok: z.boolean(),
      problems: z.array(z.string()),
    }),
  ),
});
export type AuditView = z.output<typeof auditView>;

/** What happened to an order (the domain events of the sales feed). */
export const saleEventTypes = [
  "hold.placed",
  "hold.posted",
  "hold.voided",
  "hold.expired",
  "order.paid",
  "order.refunded",
] as const;
export type SaleEventType = (typeof saleEventTypes)[number];

export const adminSale = z.strictObject({
  type: z.enum(saleEventTypes),
  orderId: z.string(),
  status: z.enum(orderStatuses),
  quantity: count,
  totalCents: z.int(),
  atMs: z.number(),
});
export type AdminSale = z.output<typeof adminSale>;

/** `GET /api/admin/events/:id/sales`: the feed's last lines, newest first. */
export const adminSalesView = z.strictObject({ eventId: z.string(), sales: z.array(adminSale) });
export type AdminSalesView = z.output<typeof adminSalesView>;

/** The admission controller at work, for the dashboard (auto: steered; manual: the operator's rate). */
export const adminAdmission = z.strictObject({
  mode: z.enum(admissionModes),
  ratePerMinute: z.number().min(0),
  /** Why the rate is what it is: the overload sign that cut or holds it (holdP95Ms, settlementLagMs,
   * poolWaits, holdsInFlight, webhooksWaiting, overloadRefusals), or slow_start, recovering, pacing
   * (growth held to the pace the checkout serves), ceiling,
   * idle (nobody waiting), manual. */
  reason: z.string(),
  floorPerMinute: z.number().min(0),
  ceilingPerMinute: z.number().min(0),
  /** When the rate was last cut (ms since epoch), null if never. */
  lastCutAtMs: z.number().nullable(),
  /** The checkout's health as the controller last read it, over every node. */
  health: z.strictObject({
    holdP95Ms: z.number().nullable(),
    settlementLagMs: z.number().nullable(),
    poolWaits: z.number(),
    holdsInFlight: z.number(),
    webhooksWaiting: z.number(),
    overloadRefusals: z.number(),
    /** Hold requests answered per second: the pace the checkout serves, which caps the rate's growth. */
    holdsPerSecond: z.number(),
  }),
  /** Auto: fans the stock left could still serve (0: nobody is admitted); null in manual. */
  stockRoom: z.number().nullable(),
  atMs: z.number(),
});
export type AdminAdmission = z.output<typeof adminAdmission>;

/** `GET /api/admin/events/:id/admission`: the controller now, and its steps (oldest first) for the chart. */
export const adminAdmissionView = z.strictObject({
  eventId: z.string(),
  current: adminAdmission.nullable(),
  history: z.array(
    z.strictObject({
      atMs: z.number(),
      ratePerMinute: z.number().min(0),
      reason: z.string(),
      holdP95Ms: z.number().nullable(),
      settlementLagMs: z.number().nullable(),
    }),
  ),
});
export type AdminAdmissionView = z.output<typeof adminAdmissionView>;

/** `GET /api/admin/events/:id/stats` (contract.md "Admin"): stock per tier, perks, orders by status, revenue, queue. */
export const adminStatsView = z.strictObject({
  classes: z.array(
    z.strictObject({ id: z.string(), code: z.string(), capacity: count, available: count, held: count, sold: count }),
  ),
  perks: z.array(z.strictObject({ code: z.string(), capacity: count, granted: count })),
  orders: z.strictObject(Object.fromEntries(orderStatuses.map((s) => [s, count])) as Record<OrderStatus, typeof count>),
  revenueCents: z.int(),
  queue: z.strictObject({ waiting: count, servedUpTo: count, admittedTotal: count, activeCheckouts: count }),
  /** How the room admits now (null until its ticker has run once). */
  admission: adminAdmission.nullable(),
  /** Payments the provider reported with another amount or currency than their order's
   * (`amount_mismatch` in the inbox): never settled, so a person must sort them out. `orderIds`:
   * the orders they were for, newest first, at most paymentMismatchOrdersShownMax. */
  paymentMismatches: z.strictObject({ payments: count, orders: count, orderIds: z.array(z.string()) }),
});
export type AdminStatsView = z.output<typeof adminStatsView>;

/** The dashboard's once-a-second push (`stats:tick`, the `admin:watch` ack): the stats, and whose and when. */
export const adminStats = adminStatsView.extend({
  eventId: z.string(),
  atMs: z.number(),
  status: z.string(),
  /** The currency of revenueCents (the event's tiers share one). */
  currency: z.string(),
});
export type AdminStats = z.output<typeof adminStats>;

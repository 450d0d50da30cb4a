// Resale over HTTP: what is for sale (public), listing, re-pricing and withdrawing (the seller's
// account), buying and the purchase's state (the buyer's account), and the admin's settings and
// listings table. Signed-in routes read the account cookie (accounts.ts); not signed in is 401.
import { Router, type Request } from "express";
import { z } from "zod";
import {
  accountListingsView,
  adminResaleView,
  buyListingInput,
  createListingInput,
  editListingInput,
  eventResaleView,
  listingView as listingViewSchema,
  purchaseView,
  resaleSettingsInput,
  resaleSettingsView,
} from "@stampede/shared/api/resale";
import { resaleListingsListMax } from "@stampede/shared/limits";
import { HttpError } from "../errors.js";
import type { OpenApiRegistry } from "../openapi.js";
import { uuidParam } from "../params.js";
import { defineRoute } from "../route.js";
import { requireAdmin } from "../guards/admin.js";
import type { AdminAuthDeps } from "../../services/admin/auth.js";
import { emailKey, type Accounts } from "../../services/accounts/accounts.js";
import { sessionOf } from "./accounts.js";
import { rateLimited } from "../../services/errors.js";
import type { RateLimit } from "../../adapters/redis/rate-limit.js";
import type { ResaleRepo } from "../../adapters/postgres/resale-repo.js";
import { listingView, publicListing, type ResaleActor, type ResaleListings } from "../../services/resale/listings.js";
import type { ResalePurchases } from "../../services/resale/purchases.js";

export interface ResaleRouteDeps {
  accounts: Accounts;
  /** Resale writes per account (resaleWritesPerAccountPerMinute). */
  writes: Pick<RateLimit, "take">;
  admin: AdminAuthDeps;
  repo: ResaleRepo;
  listings: ResaleListings;
  purchases: ResalePurchases;
}

const tags = ["resale"];
const eventParams = z.object({ eventId: uuidParam });
const listingParams = z.object({ listingId: uuidParam });
const signedOut = { 401: { description: "not_signed_in" } };

/** The signed-in account, counted against its resale writes: 429 with Retry-After past the limit. */
async function writerOf(deps: ResaleRouteDeps, req: Request): Promise<ResaleActor> {
  const actor = await actorOf(deps.accounts, req);
  const wait = await deps.writes.take(actor.accountId);
  if (wait !== null) throw rateLimited(wait, "resale requests from this account");
  return actor;
}

/** The signed-in account as the resale services see it. */
async function actorOf(accounts: Accounts, req: Request): Promise<ResaleActor> {
  const account = await accounts.fromSession(sessionOf(req));
  if (!account) throw new HttpError(401, "not_signed_in", "sign in first (POST /api/account/signin)");
  return {
    accountId: account.id,
    fanId: account.fanId,
    email: account.email,
    fanIds: await accounts.fanIds(account),
    verifiedEmail: account.verifiedAt ? emailKey(account.email) : null,
  };
}

export function resaleRoutes(deps: ResaleRouteDeps, registry: OpenApiRegistry): Router {
  const router = Router();
  publicRoutes(router, registry, deps);
  sellerRoutes(router, registry, deps);
  accountListingsRoute(router, registry, deps);
  buyerRoutes(router, registry, deps);
  adminRoutes(router, registry, deps);
  return router;
}

function publicRoutes(router: Router, registry: OpenApiRegistry, deps: ResaleRouteDeps): void {
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/events/:eventId/resale",
      summary:
        "The event's resale: its settings and what is for sale now (listed, or locked by a buyer paying), cheapest first",
      tags,
      params: eventParams,
      responses: {
        200: { description: "the listings", schema: eventResaleView },
        404: { description: "no such event" },
      },
    },
    async ({ params }) => {
      const event = await deps.listings.event(params.eventId);
      const settings = await deps.repo.settings(event.id);
      const listings = settings.enabled ? await deps.repo.onSale(event.id, resaleListingsListMax) : [];
      const views = listings.map((l) => publicListing(listingView(l, settings.feePercent)));
      return { eventId: event.id, ...settings, listings: views };
    },
  );
}

function sellerRoutes(router: Router, registry: OpenApiRegistry, deps: ResaleRouteDeps): void {
  const refusals = {
    ...signedOut,
    403: { description: "not_your_ticket" },
    404: { description: "no such ticket or listing" },
    409: { description: "resale_disabled, ticket_not_resellable, already_listed, listing_locked, listing_unavailable" },
    422: { description: "invalid, or price_above_cap (details.capCents)" },
    429: { description: "rate_limited: too many resale requests from this account (Retry-After)" },
  };
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/api/resale/listings",
      summary: "List a ticket of one of your paid orders for resale, at most the event's price cap",
      tags,
      body: createListingInput,
      responses: { 201: { description: "listed", schema: listingViewSchema }, ...refusals },
    },
    async ({ body }, req, res) => {
      const listing = await deps.listings.create(await writerOf(deps, req), body.ticketId, body.priceCents);
      res.status(201);
      return listing;
    },
  );
  defineRoute(
    router,
    registry,
    {
      method: "patch",
      path: "/api/resale/listings/:listingId",
      summary: "Change your listing's price (refused while a buyer holds its lock)",
      tags,
      params: listingParams,
      body: editListingInput,
      responses: { 200: { description: "re-priced", schema: listingViewSchema }, ...refusals },
    },
    async ({ params, body }, req) =>
      deps.listings.reprice(await writerOf(deps, req), params.listingId, body.priceCents),
  );
  defineRoute(
    router,
    registry,
    {
      method: "delete",
      path: "/api/resale/listings/:listingId",
      summary: "Withdraw your listing (refused while a buyer holds its lock)",
      tags,
      params: listingParams,
      responses: { 200: { description: "withdrawn", schema: listingViewSchema }, ...refusals },
    },
    async ({ params }, req) => deps.listings.withdraw(await writerOf(deps, req), params.listingId),
  );
}

/** The seller's own listings. */
function accountListingsRoute(router: Router, registry: OpenApiRegistry, deps: ResaleRouteDeps): void {
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/account/listings",
      summary: "Your listings, any event, newest first",
      tags,
      responses: { 200: { description: "the listings", schema: accountListingsView }, ...signedOut },
    },
    async (_input, req, res) => {
      const actor = await actorOf(deps.accounts, req);
      res.setHeader("Cache-Control", "no-store");
      const listings = await deps.repo.ofSeller(actor.accountId, resaleListingsListMax);
      const fees = new Map<string, number>();
      for (const l of listings)
        if (!fees.has(l.eventId)) fees.set(l.eventId, (await deps.repo.settings(l.eventId)).feePercent);
      return { listings: listings.map((l) => listingView(l, fees.get(l.eventId) ?? 0)) };
    },
  );
}

function buyerRoutes(router: Router, registry: OpenApiRegistry, deps: ResaleRouteDeps): void {
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/api/resale/listings/:listingId/buy",
      summary:
        "Buy a listed ticket: the listing is locked for you for the event's lock time while you pay at paymentUrl " +
        "(a listing offered to the line first, queueUntil, needs the buyer's admission token until then)",
      tags,
      params: listingParams,
      body: buyListingInput,
      responses: {
        201: { description: "locked for you: pay at paymentUrl", schema: purchaseView },
        ...signedOut,
        403: { description: "admission_required: offered to the fans in line first (details.queueUntil)" },
        404: { description: "no such listing" },
        409: {
          description: "listing_locked (someone else is paying), listing_unavailable, own_listing, resale_disabled",
        },
        429: { description: "fan_limit_reached, or rate_limited (too many resale requests from this account)" },
        503: { description: "the payment provider or the ledger did not answer: nothing is locked" },
      },
    },
    async ({ params, body }, req, res) => {
      const purchase = await deps.purchases.buy(await writerOf(deps, req), params.listingId, body);
      res.status(201);
      return purchase;
    },
  );
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/resale/purchases/:purchaseId",
      summary:
        "Your resale purchase: locked while you pay, then paid (with your new order), expired, failed or refunded",
      tags,
      params: z.object({ purchaseId: uuidParam }),
      responses: {
        200: { description: "the purchase", schema: purchaseView },
        ...signedOut,
        404: { description: "no such purchase of yours" },
      },
    },
    async ({ params }, req, res) => {
      res.setHeader("Cache-Control", "no-store");
      return deps.purchases.view(params.purchaseId, await actorOf(deps.accounts, req));
    },
  );
}

function adminRoutes(router: Router, registry: OpenApiRegistry, deps: ResaleRouteDeps): void {
  const adminTags = ["admin: resale"];
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/admin/events/:eventId/resale",
      summary: "The event's resale settings, its listings' counts and the listings, newest first",
      tags: adminTags,
      security: "admin",
      guards: [requireAdmin(deps.admin, ["viewer"])],
      params: eventParams,
      responses: { 200: { description: "resale", schema: adminResaleView }, 404: { description: "no such event" } },
    },
    async ({ params }) => {
      const event = await deps.listings.event(params.eventId);
      const settings = await deps.repo.settings(event.id);
      const listings = await deps.repo.ofEvent(event.id, resaleListingsListMax);
      const counts = await deps.repo.counts(event.id);
      return { settings, counts, listings: listings.map((l) => listingView(l, settings.feePercent)) };
    },
  );
  defineRoute(
    router,
    registry,
    {
      method: "put",
      path: "/api/admin/events/:eventId/resale",
      summary: "Set the event's resale: on or off, the price cap (% of face value), the buyer's fee (%), the lock time",
      tags: adminTags,
      security: "admin",
      guards: [requireAdmin(deps.admin)],
      params: eventParams,
      body: resaleSettingsInput,
      responses: {
        200: { description: "the settings now", schema: resaleSettingsView },
        404: { description: "no such event" },
        422: { description: "invalid (a bound crossed, an unknown field)" },
      },
    },
    async ({ params, body }) => {
      const event = await deps.listings.event(params.eventId);
      await deps.repo.putSettings(event.id, body);
      return deps.repo.settings(event.id);
    },
  );
}

// Every HTTP call the client makes, one function each: it builds the path (parameters encoded) and
// carries what the call answers, and the body it sends, as types only. The answers are the types of
// the schemas the server's routes declare (shared/src/api), so `api.get(endpoints.event(id))` is a
// Promise<ApiResult<EventView>> that no caller can retype. client/test/endpoints.test.ts holds each
// method and path to the server's OpenAPI document. Type-only imports, so zod stays out of the bundle.
import type { z } from "zod";
import type { BenchRunFile, BenchRunList } from "@stampede/shared/api/bench";
import type {
  createEventInput,
  eventEditInput,
  eventStatusInput,
  waitingRoomPatchInput,
} from "@stampede/shared/api/events";
import type { fanProofs, LotteryView, QueueLeaveView, QueueView } from "@stampede/shared/api/queue";
import type { AdminWaitlistView, waitlistJoinInput, WaitlistView } from "@stampede/shared/api/waitlist";
import type { checkinInput, FanOrdersView, holdInput, HoldView } from "@stampede/shared/api/orders";
import type { AdminAdmissionView, adminLoginInput, AdminSalesView } from "@stampede/shared/api/admin";
import type { FanSessionView } from "@stampede/shared/api/session";
import type { CancellationView } from "@stampede/shared/api/cancellation";
import type { FanRefundView, RefundPolicyView } from "@stampede/shared/api/refunds";
import type {
  codeBatchInput,
  CodeBatchView,
  CodeListView,
  presaleInput,
  PresaleView,
} from "@stampede/shared/api/codes";
import type { BotDefenceInput, BotDefenceView, ChallengeView } from "@stampede/shared/api/bot-defence";
import type {
  accountCredentialsInput,
  accountLinkInput,
  AccountOrdersView,
  AccountSignedInView,
  AccountView,
  passwordResetInput,
  passwordResetRequestInput,
} from "@stampede/shared/api/accounts";
import type { FairnessReportView, FairnessSummary } from "@stampede/shared/api/fairness";
import type {
  AccountListingsView,
  AdminResaleView,
  buyListingInput,
  createListingInput,
  editListingInput,
  EventResaleView,
  ListingView,
  PurchaseView,
  resaleSettingsInput,
  ResaleSettingsView,
} from "@stampede/shared/api/resale";
import type { Endpoint } from "./api.js";
import type { OrderFilters } from "./order-list.js";
import type {
  AdminMeView,
  AdminOrderPage,
  AuditView,
  CheckinView,
  EventListView,
  EventView,
  OrderView,
} from "./views.js";

// The request bodies: the input types of the schemas the server's routes validate them with
// (shared/src/api), so the client cannot send what the route refuses for its shape.

/** `POST /api/admin/events`: what createEventInput accepts (its defaults fill what is left out). */
export type CreateEventBody = z.input<typeof createEventInput>;
/** `PATCH /api/admin/events/:eventId`: the fields that changed, at least one. */
export type EditEventBody = z.input<typeof eventEditInput>;
/** `POST /api/admin/login`. */
export type LoginBody = z.input<typeof adminLoginInput>;
/** `POST /api/admin/checkin`: a QR or short code, and the event the door is for when one is picked. */
export type CheckinBody = z.input<typeof checkinInput>;
/** `POST /api/admin/events/:eventId/status`. */
export type StatusBody = z.input<typeof eventStatusInput>;
/** `PATCH /api/admin/events/:eventId/waiting-room`: the settings to change, at least one. */
export type WaitingRoomPatchBody = z.input<typeof waitingRoomPatchInput>;
/** `POST /api/events/:eventId/queue`: the fan's proofs after a rebuild; none (no body) otherwise. */
export type JoinBody = z.input<typeof fanProofs> | undefined;
/** `POST /api/events/:eventId/waitlist`: nothing, or a solved bot-defence challenge. */
export type WaitlistJoinBody = z.input<typeof waitlistJoinInput> | undefined;
/** `POST /api/events/:eventId/holds`: an empty or missing admission token is answered admission_required. */
export type HoldBody = z.input<typeof holdInput>;

/** `POST /api/admin/events/:eventId/codes`: a batch of codes alike. */
export type CodeBatchBody = z.input<typeof codeBatchInput>;
/** `PUT /api/admin/events/:eventId/presale`: the presale's end (null: none). */
export type PresaleBody = z.input<typeof presaleInput>;

/** `POST /api/account/signup` and `/signin`. */
export type CredentialsBody = z.input<typeof accountCredentialsInput>;
/** `POST /api/account/verify`: the token of the link in the verification email. */
export type VerifyBody = z.input<typeof accountLinkInput>;
/** `POST /api/account/password-reset`: where to send the reset link (202 whether or not it exists). */
export type ResetRequestBody = z.input<typeof passwordResetRequestInput>;
/** `POST /api/account/password`: the reset link's token and the new password. */
export type NewPasswordBody = z.input<typeof passwordResetInput>;

/** `POST /api/resale/listings`: a ticket of the account's and its price. */
export type CreateListingBody = z.input<typeof createListingInput>;
/** `PATCH /api/resale/listings/:listingId`: the new price. */
export type EditListingBody = z.input<typeof editListingInput>;
/** `POST /api/resale/listings/:listingId/buy`: the email the ticket goes to (the account's when left out). */
export type BuyListingBody = z.input<typeof buyListingInput>;
/** `PUT /api/admin/events/:eventId/resale`: the whole settings. */
export type ResaleSettingsBody = z.input<typeof resaleSettingsInput>;

const get = <A>(path: string): Endpoint<"GET", A> => ({ method: "GET", path });
const post = <A, B = undefined>(path: string): Endpoint<"POST", A, B> => ({ method: "POST", path });
const patch = <A, B>(path: string): Endpoint<"PATCH", A, B> => ({ method: "PATCH", path });
const put = <A, B>(path: string): Endpoint<"PUT", A, B> => ({ method: "PUT", path });
const del = <A>(path: string): Endpoint<"DELETE", A> => ({ method: "DELETE", path });
const at = encodeURIComponent;

// Fans.
export const session = () => post<FanSessionView>("/api/session");
export const events = () => get<EventListView>("/api/events");
export const event = (eventId: string) => get<EventView>(`/api/events/${at(eventId)}`);
export const queue = (eventId: string) => get<QueueView>(`/api/events/${at(eventId)}/queue`);
export const joinQueue = (eventId: string) => post<QueueView, JoinBody>(`/api/events/${at(eventId)}/queue`);
export const leaveQueue = (eventId: string) => del<QueueLeaveView>(`/api/events/${at(eventId)}/queue`);
/** The bot defence's proof-of-work challenge, when a join answered challenge_required. */
export const joinChallenge = (eventId: string) => get<ChallengeView>(`/api/events/${at(eventId)}/challenge`);
export const lottery = (eventId: string) => get<LotteryView>(`/api/events/${at(eventId)}/lottery`);
/** The waiting list after a sell-out: the fan's entry, joining it, leaving it. */
export const waitlist = (eventId: string) => get<WaitlistView>(`/api/events/${at(eventId)}/waitlist`);
export const joinWaitlist = (eventId: string) =>
  post<WaitlistView, WaitlistJoinBody>(`/api/events/${at(eventId)}/waitlist`);
export const leaveWaitlist = (eventId: string) => del<WaitlistView>(`/api/events/${at(eventId)}/waitlist`);
export const fairness = (eventId: string) => get<FairnessSummary>(`/api/events/${at(eventId)}/fairness`);
export const presale = (eventId: string) => get<PresaleView>(`/api/events/${at(eventId)}/presale`);
export const placeHold = (eventId: string) => post<HoldView, HoldBody>(`/api/events/${at(eventId)}/holds`);
export const fanOrders = (eventId: string) => get<FanOrdersView>(`/api/events/${at(eventId)}/orders/mine`);
export const order = (orderId: string) => get<OrderView>(`/api/orders/${at(orderId)}`);
export const cancelOrder = (orderId: string) => post<OrderView>(`/api/orders/${at(orderId)}/cancel`);
export const orderRefund = (orderId: string) => get<FanRefundView>(`/api/orders/${at(orderId)}/refund`);
export const requestRefund = (orderId: string) => post<OrderView>(`/api/orders/${at(orderId)}/refund`);

// Fan accounts (optional: guest checkout stays the default).
/** Answers 204 (no body) when nobody is signed in. */
export const account = () => get<AccountView | undefined>("/api/account");
export const signUp = () => post<AccountSignedInView, CredentialsBody>("/api/account/signup");
export const signIn = () => post<AccountSignedInView, CredentialsBody>("/api/account/signin");
/** Answers 204: no body. */
export const signOut = () => post<undefined>("/api/account/signout");
export const accountOrders = () => get<AccountOrdersView>("/api/account/orders");
export const verifyEmail = () => post<AccountView, VerifyBody>("/api/account/verify");
/** Answers 202, no body, whether or not an account has that email. */
export const requestPasswordReset = () => post<undefined, ResetRequestBody>("/api/account/password-reset");
export const resetPassword = () => post<AccountSignedInView, NewPasswordBody>("/api/account/password");

// Resale (accounts only: listing and buying need a signed-in fan).
export const eventResale = (eventId: string) => get<EventResaleView>(`/api/events/${at(eventId)}/resale`);
export const createListing = () => post<ListingView, CreateListingBody>("/api/resale/listings");
export const editListing = (listingId: string) =>
  patch<ListingView, EditListingBody>(`/api/resale/listings/${at(listingId)}`);
/** Withdraws the listing: answers it with status "withdrawn". */
export const withdrawListing = (listingId: string) => del<ListingView>(`/api/resale/listings/${at(listingId)}`);
export const accountListings = () => get<AccountListingsView>("/api/account/listings");
export const buyListing = (listingId: string) =>
  post<PurchaseView, BuyListingBody>(`/api/resale/listings/${at(listingId)}/buy`);
export const resalePurchase = (purchaseId: string) => get<PurchaseView>(`/api/resale/purchases/${at(purchaseId)}`);

// Admins.
export const adminMe = () => get<AdminMeView>("/api/admin/me");
export const adminLogin = () => post<AdminMeView, LoginBody>("/api/admin/login");
/** Answers 204: no body. */
export const adminLogout = () => post<undefined>("/api/admin/logout");
export const adminEvents = () => get<EventListView>("/api/admin/events");
export const createEvent = () => post<EventView, CreateEventBody>("/api/admin/events");
export const adminEvent = (eventId: string) => get<EventView>(`/api/admin/events/${at(eventId)}`);
export const editEvent = (eventId: string) => patch<EventView, EditEventBody>(`/api/admin/events/${at(eventId)}`);
export const eventAudit = (eventId: string) => get<AuditView>(`/api/admin/events/${at(eventId)}/audit`);
export const adminFairness = (eventId: string) => get<FairnessReportView>(`/api/admin/events/${at(eventId)}/fairness`);
/** The waiting list's size on the dashboard. */
export const adminWaitlist = (eventId: string) => get<AdminWaitlistView>(`/api/admin/events/${at(eventId)}/waitlist`);
export const moveEvent = (eventId: string) => post<EventView, StatusBody>(`/api/admin/events/${at(eventId)}/status`);
export const eventCancellation = (eventId: string) =>
  get<CancellationView>(`/api/admin/events/${at(eventId)}/cancellation`);
export const updateWaitingRoom = (eventId: string) =>
  patch<EventView, WaitingRoomPatchBody>(`/api/admin/events/${at(eventId)}/waiting-room`);
export const eventSales = (eventId: string) => get<AdminSalesView>(`/api/admin/events/${at(eventId)}/sales`);
export const eventAdmission = (eventId: string) =>
  get<AdminAdmissionView>(`/api/admin/events/${at(eventId)}/admission`);
/** `GET /api/admin/orders?eventId=&status=&q=&limit=&cursor=`: one page of an event's orders. */
export function adminOrders(eventId: string, filters: OrderFilters, cursor: string | null, limit: number) {
  const params = new URLSearchParams({ eventId, limit: String(limit) });
  if (filters.q !== "") params.set("q", filters.q);
  if (filters.status !== "") params.set("status", filters.status);
  if (cursor !== null) params.set("cursor", cursor);
  return get<AdminOrderPage>(`/api/admin/orders?${params.toString()}`);
}
export const refundOrder = (orderId: string) => post<OrderView>(`/api/admin/orders/${at(orderId)}/refund`);
export const adminResale = (eventId: string) => get<AdminResaleView>(`/api/admin/events/${at(eventId)}/resale`);
export const updateResale = (eventId: string) =>
  put<ResaleSettingsView, ResaleSettingsBody>(`/api/admin/events/${at(eventId)}/resale`);
export const refundPolicy = (eventId: string) =>
  get<RefundPolicyView>(`/api/admin/events/${at(eventId)}/refund-policy`);
export const updateRefundPolicy = (eventId: string) =>
  put<RefundPolicyView, RefundPolicyView>(`/api/admin/events/${at(eventId)}/refund-policy`);
export const botDefence = (eventId: string) => get<BotDefenceView>(`/api/admin/events/${at(eventId)}/bot-defence`);
export const updateBotDefence = (eventId: string) =>
  put<BotDefenceView, BotDefenceInput>(`/api/admin/events/${at(eventId)}/bot-defence`);
export const adminPresale = (eventId: string) => get<PresaleView>(`/api/admin/events/${at(eventId)}/presale`);
export const updatePresale = (eventId: string) =>
  put<PresaleView, PresaleBody>(`/api/admin/events/${at(eventId)}/presale`);
export const eventCodes = (eventId: string, after: string | null) =>
  get<CodeListView>(`/api/admin/events/${at(eventId)}/codes?limit=100${after ? `&after=${at(after)}` : ""}`);
export const createCodes = (eventId: string) =>
  post<CodeBatchView, CodeBatchBody>(`/api/admin/events/${at(eventId)}/codes`);
export const checkin = () => post<CheckinView, CheckinBody>("/api/admin/checkin");

// Benchmarks.
export const benchResults = () => get<BenchRunList>("/api/bench/results");
/** One whole result file; the /bench page links to it rather than reading it. */
export const benchResultFile = (file: string) => get<BenchRunFile>(`/api/bench/results/${at(file)}`);

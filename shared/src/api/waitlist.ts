// The waiting list after a sell-out on the wire: a fan on a sold-out sale joins the list (their
// place in the room's line, kept while their page is closed), the stock that comes back is offered
// to the list in line order as a timed claim (an admission to the checkout until claimDeadline),
// and the fan reads their entry or leaves. Shared by the server's routes and the client's page.
import { z } from "zod";
import { admissionView, fanProofs } from "./queue.js";

const utcTime = z.iso.datetime();

/** waiting: in line; offered: a ticket is theirs to claim until claimDeadline; claimed: they ordered
 * with the offer; expired: the claim ran out unused (the ticket went to the next fan); left. */
export const waitlistStates = ["waiting", "offered", "claimed", "expired", "left"] as const;
export type WaitlistState = (typeof waitlistStates)[number];

export const waitlistEntryView = z.strictObject({
  eventId: z.string(),
  state: z.enum(waitlistStates),
  /** While waiting: 1 = the next fan offered a ticket that comes back. */
  position: z.int().min(1).nullable(),
  joinedAt: utcTime,
  /** While offered (and after): when the claim ends. */
  claimDeadline: utcTime.nullable(),
  /** While offered: the admission to the checkout the claim is (hold with it as with any admission). */
  admission: admissionView.nullable(),
  /** expired: claim_expired. */
  reason: z.enum(["claim_expired"]).nullable(),
});
export type WaitlistEntry = z.output<typeof waitlistEntryView>;

export const waitlistView = z.strictObject({
  /** The fan's entry; null when they never joined this event's list. */
  entry: waitlistEntryView.nullable(),
  /** Whether the list takes fans now (the sale is on and nothing is left to buy). */
  open: z.boolean(),
  /** Fans waiting on the list. */
  waiting: z.int().min(0),
});
export type WaitlistView = z.output<typeof waitlistView>;

/** `GET /api/admin/events/:eventId/waitlist`: the list's size on the dashboard. */
export const adminWaitlistView = z.strictObject({
  /** Fans waiting on the list. */
  waiting: z.int().min(0),
  /** Offers whose claim is still open. */
  openClaims: z.int().min(0),
});
export type AdminWaitlistView = z.output<typeof adminWaitlistView>;

/** `POST /api/events/:eventId/waitlist`: the fan is the session's (an account's email is used if signed in);
 * joining the list joins the line, so a solved bot-defence challenge counts as for the queue's join. */
export const waitlistJoinInput = z.strictObject({ challenge: fanProofs.shape.challenge });

// Fan accounts on the wire (optional: guest checkout stays the default): sign-up and sign-in
// bodies, the account as its owner sees it, and "My tickets". Signing up or in answers with the
// fan identity the browser takes from then on (the account's, the same on every device).
import { z } from "zod";
import { orderView } from "./orders.js";

/** Length bounds of an account password (NIST SP 800-63B: at least 8; long passphrases welcome). */
export const accountPasswordLength = { min: 10, max: 1_024 } as const;

export const accountCredentialsInput = z
  .object({
    email: z.email().max(254),
    password: z.string().min(accountPasswordLength.min).max(accountPasswordLength.max),
  })
  .strict();
export type AccountCredentialsInput = z.infer<typeof accountCredentialsInput>;

export const accountLinkInput = z.object({ token: z.string().min(20).max(200) }).strict();
export const passwordResetRequestInput = z.object({ email: z.email().max(254) }).strict();
export const passwordResetInput = z
  .object({
    token: z.string().min(20).max(200),
    password: z.string().min(accountPasswordLength.min).max(accountPasswordLength.max),
  })
  .strict();

export const accountView = z.object({
  email: z.string(),
  verified: z.boolean(),
  /** The fan id this account's devices share (queue places and per-fan limits are kept by it). */
  fanId: z.string(),
});
export type AccountView = z.infer<typeof accountView>;

/** The answer to a sign-up or sign-in: the account and the fan session the browser now uses. */
export const accountSignedInView = z.object({
  account: accountView,
  fanId: z.string(),
  fanToken: z.string(),
});
export type AccountSignedInView = z.infer<typeof accountSignedInView>;

/** "My tickets": every order of the account (any event, any device it signed in on), newest first,
 * each with its private order token for the order page's link. */
export const accountOrdersView = z.object({
  orders: z.array(z.object({ order: orderView, orderToken: z.string() })),
});
export type AccountOrdersView = z.infer<typeof accountOrdersView>;

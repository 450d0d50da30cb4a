// The emailed links of fan accounts (verify the address, reset the password): each link's token is
// derived from its id with a key made from SECRET_KEY, so only its SHA-256 is stored and the
// workers, which hold SECRET_KEY too, write the link into the email without the raw token ever
// being kept. Here in shared/ because both processes derive it (like order-token.ts).
import { createHash, createHmac, hkdfSync } from "node:crypto";

export type AccountLinkPurpose = "verify" | "reset";

export class AccountLinkTokens {
  private readonly key: Buffer;
  constructor(secretKey: string) {
    this.key = Buffer.from(hkdfSync("sha256", secretKey, "stampede-account-links", "account-link", 32));
  }

  /** The token of a link and its stored hash. */
  of(linkId: string): { token: string; hash: string } {
    const token = createHmac("sha256", this.key).update(linkId).digest("base64url");
    return { token, hash: hashAccountLinkToken(token) };
  }
}

export function hashAccountLinkToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The page a link opens: the token in the fragment, so it never reaches a server log or a Referer. */
export function accountLinkUrl(publicUrl: string, purpose: AccountLinkPurpose, token: string): string {
  return `${publicUrl}/account/${purpose}#token=${token}`;
}

/** How long each kind of link works. */
export const accountLinkTtlSeconds: Record<AccountLinkPurpose, number> = { verify: 48 * 3600, reset: 3600 };

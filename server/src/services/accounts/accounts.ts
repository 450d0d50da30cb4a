// Fan accounts below HTTP: sign-up, sign-in (slowed per address and email like the admins'), the
// emailed links (verify the address, reset the password: single-use, expiring), the session behind
// the account cookie, and the fan identity a signed-in browser takes. An account's fan id is the
// one every device uses once signed in, so the queue place and the per-fan allowance
// (both kept by fan id) follow the account; the browser's own fan id before that is linked, so the
// orders it placed as a guest are the account's too. The SQL: adapters/postgres/accounts-repo.ts.
import { createHash, randomBytes } from "node:crypto";
import { uuidv7 } from "@stampede/shared/ids";
import type { AccountCredentialsInput, AccountView } from "@stampede/shared/api/accounts";
import {
  accountLinkTtlSeconds,
  hashAccountLinkToken,
  type AccountLinkPurpose,
  type AccountLinkTokens,
} from "@stampede/shared/core/account-links";
import type { AccountRecord, AccountsRepo } from "../../adapters/postgres/accounts-repo.js";
import type { AccountLinksRepo } from "../../adapters/postgres/account-links-repo.js";
import type { LoginLimiter } from "../admin/login-limiter.js";
import { DomainError } from "../errors.js";
import { accountDecoyHash, hashAccountPassword, verifyAccountPassword } from "./passwords.js";

/** How long a sign-in lasts. */
export const accountSessionTtlSeconds = 30 * 24 * 3600;
/** One reset email per account at most this often, however often it is asked for. */
export const resetRequestEverySeconds = 60;

export interface AccountsDeps {
  repo: AccountsRepo;
  /** The emailed links (verify, reset); the workers send them. */
  links: AccountLinksRepo;
  linkTokens: AccountLinkTokens;
  limiter: Pick<LoginLimiter, "assertAllowed" | "recordFailure" | "recordSuccess">;
}

export interface SignedIn {
  account: AccountRecord;
  /** The session id for the cookie (only its hash is stored). */
  sessionId: string;
}

const hashSession = (sessionId: string) => createHash("sha256").update(sessionId).digest("hex");
export const emailKey = (email: string) => email.trim().toLowerCase();

export function accountView(account: AccountRecord): AccountView {
  return { email: account.email, verified: account.verifiedAt !== null, fanId: account.fanId };
}

export class Accounts {
  constructor(private readonly deps: AccountsDeps) {}

  /** A new account, signed in; its fan id is the browser's own unless that one belongs to another
   * account already. email_taken when the address has an account (whatever its case). */
  async signUp(input: AccountCredentialsInput, browserFanId: string | null): Promise<SignedIn> {
    const key = emailKey(input.email);
    if (await this.deps.repo.findByEmailKey(key)) throw emailTaken();
    const passwordHash = await hashAccountPassword(input.password);
    const free = browserFanId && !(await this.deps.repo.fanLinked(browserFanId)) ? browserFanId : null;
    const fields = { email: input.email.trim(), emailKey: key, passwordHash };
    const account =
      (await this.deps.repo.create({ ...fields, fanId: free ?? uuidv7() })) ??
      // Lost a race: the email was taken meanwhile (refused), or the fan id was linked meanwhile.
      ((await this.deps.repo.findByEmailKey(key)) ? null : await this.deps.repo.create({ ...fields, fanId: uuidv7() }));
    if (!account) throw emailTaken();
    await this.newLink(account.id, "verify");
    return { account, sessionId: await this.startSession(account.id) };
  }

  /** Follows a verification link: once, before it expires; invalid_link otherwise. */
  async verify(token: string): Promise<AccountRecord> {
    const accountId = await this.deps.links.use(hashAccountLinkToken(token), "verify");
    const account = accountId ? await this.deps.repo.markVerified(accountId) : null;
    if (!account) throw invalidLink();
    return account;
  }

  /** Mails a reset link when the address has an account (at most one a minute); the caller is told
   * the same either way, so the answer does not say which addresses have accounts. */
  async requestReset(email: string): Promise<void> {
    const account = await this.deps.repo.findByEmailKey(emailKey(email));
    if (!account || (await this.deps.links.madeWithin(account.id, "reset", resetRequestEverySeconds))) return;
    await this.newLink(account.id, "reset");
  }

  /** Follows a reset link (once, within the hour): a new password, every other session ended, signed in. */
  async resetPassword(token: string, password: string): Promise<SignedIn> {
    const accountId = await this.deps.links.use(hashAccountLinkToken(token), "reset");
    const account = accountId
      ? await this.deps.repo.resetPassword(accountId, await hashAccountPassword(password))
      : null;
    if (!account) throw invalidLink();
    return { account, sessionId: await this.startSession(account.id) };
  }

  /** Signs in with the limiter's backoff; links the browser's fan id. invalid_credentials otherwise,
   * the same answer (and the same work) for an unknown email as for a wrong password. */
  async signIn(ip: string, input: AccountCredentialsInput, browserFanId: string | null): Promise<SignedIn> {
    const key = emailKey(input.email);
    await this.deps.limiter.assertAllowed(ip, key);
    const account = await this.deps.repo.findByEmailKey(key);
    const ok = await verifyAccountPassword(input.password, account?.passwordHash ?? accountDecoyHash);
    if (!account || !ok) {
      await this.deps.limiter.recordFailure(ip, key);
      throw new DomainError("invalid_credentials", "wrong email or password");
    }
    await this.deps.limiter.recordSuccess(ip, key);
    if (browserFanId && browserFanId !== account.fanId) await this.deps.repo.linkFan(account.id, browserFanId);
    return { account, sessionId: await this.startSession(account.id) };
  }

  /** The account behind a session cookie; null when there is none or it ended. */
  async fromSession(sessionId: string | undefined): Promise<AccountRecord | null> {
    return sessionId ? this.deps.repo.sessionAccount(hashSession(sessionId)) : null;
  }

  async signOut(sessionId: string | undefined): Promise<void> {
    if (sessionId) await this.deps.repo.deleteSession(hashSession(sessionId));
  }

  /** Every fan id the account's orders may be under (its own first). */
  fanIds(account: AccountRecord): Promise<string[]> {
    return this.deps.repo.fanIds(account.id);
  }

  private async newLink(accountId: string, purpose: AccountLinkPurpose): Promise<void> {
    const id = uuidv7();
    const expiresAt = new Date(Date.now() + accountLinkTtlSeconds[purpose] * 1000);
    await this.deps.links.create({ id, tokenHash: this.deps.linkTokens.of(id).hash, accountId, purpose, expiresAt });
  }

  private async startSession(accountId: string): Promise<string> {
    const sessionId = randomBytes(32).toString("base64url");
    const expiresAt = new Date(Date.now() + accountSessionTtlSeconds * 1000);
    await this.deps.repo.createSession(hashSession(sessionId), accountId, expiresAt);
    return sessionId;
  }
}

function invalidLink(): DomainError {
  return new DomainError("invalid_link", "this link is not valid any more (used, expired or mistyped)");
}

function emailTaken(): DomainError {
  return new DomainError("email_taken", "an account with this email exists already: sign in instead");
}

// The pages the account emails link to. `/account/verify#token=…` confirms the email address;
// `/account/reset` asks for a reset link (202 whatever the email: nobody learns who has an account)
// and, opened from that link (`#token=…`), sets a new password and signs in. A link that is used,
// expired or altered is answered 400 invalid_link. The token rides in the #fragment, which
// browsers never send to a server, so it stays out of logs.
import type { AccountSignedInView, AccountView } from "@stampede/shared/api/accounts";
import { plainMessage, type Api, type ApiError } from "./api.js";
import { accountFieldErrors, accountPasswordMinLength, looksLikeEmail, tooManyTries } from "./account-forms.svelte.js";
import * as endpoints from "./endpoints.js";
import type { FieldErrors } from "./field-errors.js";
import { orderTokenFromUrl } from "./links.js";

/** The `#token=` of an account link, or null. */
export function linkToken(hash: string): string | null {
  return orderTokenFromUrl({ search: "", hash });
}

/** 400 invalid_link: used, expired or altered; a 422 on the token is a mangled link, the same to the fan. */
export function isInvalidLink(error: ApiError): boolean {
  if (error.status === 400) return true;
  return error.status === 422 && accountFieldErrors(error).token !== undefined;
}

export const invalidLinkWords = "This link is not valid any more.";

function linkAlert(error: ApiError): string {
  if (isInvalidLink(error)) return invalidLinkWords;
  if (error.status === 429) return tooManyTries(error);
  return plainMessage(error);
}

export type VerifyState =
  | { kind: "idle" }
  | { kind: "verifying" }
  | { kind: "verified"; account: AccountView }
  | { kind: "invalid_link" }
  | { kind: "failed"; message: string };

export class EmailVerification {
  /** Replaced whole on every change. */
  state = $state.raw<VerifyState>({ kind: "idle" });
  #api: Pick<Api, "post">;

  constructor(api: Pick<Api, "post">) {
    this.#api = api;
  }

  /** Confirms the link's token; null (no token in the link) is an invalid link without asking. */
  async verify(token: string | null): Promise<AccountView | null> {
    if (token === null) {
      this.state = { kind: "invalid_link" };
      return null;
    }
    this.state = { kind: "verifying" };
    const result = await this.#api.post(endpoints.verifyEmail(), { token });
    if (result.ok) {
      this.state = { kind: "verified", account: result.data };
      return result.data;
    }
    this.state = isInvalidLink(result.error)
      ? { kind: "invalid_link" }
      : { kind: "failed", message: linkAlert(result.error) };
    return null;
  }
}

export class PasswordReset {
  email = $state("");
  password = $state("");
  /** Field → message; replaced whole. */
  errors = $state.raw<FieldErrors>({});
  alert = $state<string | null>(null);
  /** The reset link was asked for (the page says so, whether or not the account exists). */
  sent = $state(false);
  /** The link's token was refused: the page offers to ask for a new link. */
  invalidLink = $state(false);
  submitting = $state(false);

  #api: Pick<Api, "post">;

  constructor(api: Pick<Api, "post">) {
    this.#api = api;
  }

  /** Asks for a reset link for the typed email; true when the server took the request. */
  async requestLink(): Promise<boolean> {
    if (this.submitting) return false;
    this.alert = null;
    const typed = this.email.trim();
    this.errors = looksLikeEmail(typed) ? {} : { email: typed === "" ? "Required." : "Not an email address." };
    if (this.errors.email !== undefined) return false;
    this.submitting = true;
    const result = await this.#api.post(endpoints.requestPasswordReset(), { email: this.email.trim() });
    this.submitting = false;
    if (!result.ok) {
      this.#failed(result.error);
      return false;
    }
    this.sent = true;
    return true;
  }

  /** Sets the new password with the link's token: the signed-in view when it worked. */
  async setPassword(token: string): Promise<AccountSignedInView | null> {
    if (this.submitting) return null;
    this.alert = null;
    this.errors =
      this.password.length < accountPasswordMinLength
        ? { password: `At least ${accountPasswordMinLength} characters.` }
        : {};
    if (this.errors.password !== undefined) return null;
    this.submitting = true;
    const result = await this.#api.post(endpoints.resetPassword(), { token, password: this.password });
    this.submitting = false;
    if (result.ok) return result.data;
    this.#failed(result.error);
    return null;
  }

  #failed(error: ApiError): void {
    this.invalidLink = isInvalidLink(error);
    this.errors = error.status === 422 && !this.invalidLink ? accountFieldErrors(error) : {};
    this.alert = Object.keys(this.errors).length > 0 ? "Please check the field below." : linkAlert(error);
  }
}

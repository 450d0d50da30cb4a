// The sign-in and sign-up forms: what was typed, the errors under each field, the one alert above
// the button, and the submit. The server's answers become plain words here: 401 invalid_credentials
// "Wrong email or password", 429 "Too many tries: wait N s" (its Retry-After), 409 email_taken
// (the page links to sign-in), 422 under the fields. A form that worked answers the signed-in view;
// the page hands it to finishSignIn (account.svelte.ts).
import type { AccountSignedInView } from "@stampede/shared/api/accounts";
import { plainMessage, type Api, type ApiError } from "./api.js";
import * as endpoints from "./endpoints.js";
import { fieldErrorsFrom, plainIssue, type FieldErrors } from "./field-errors.js";

/** shared/src/api/accounts.ts accountPasswordLength.min, kept here so zod stays out of the bundle
 * (account-forms.svelte.test.ts holds the two equal). */
export const accountPasswordMinLength = 10;

export type CredentialsMode = "signin" | "signup";

/** An email-shaped string: the browser's own check is the real one; this catches the empty and the obvious. */
export function looksLikeEmail(text: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(text.trim());
}

/** Zod's password and email words, said for people; the rest as plainIssue says them. */
export function accountIssue(message: string): string {
  const short = /^Too small: expected string to have >=(\d+) characters/.exec(message);
  if (short) return `At least ${short[1]} characters.`;
  if (/^Invalid email/i.test(message)) return "Not an email address.";
  return plainIssue(message);
}

/** A 422's issues under the fields, in accountIssue's words (plainIssue keeps zod's wording readable). */
export function accountFieldErrors(error: ApiError): FieldErrors {
  const errors: FieldErrors = {};
  for (const [field, words] of Object.entries(fieldErrorsFrom(error))) errors[field] = accountIssue(words);
  return errors;
}

/** "Too many tries: wait 30 s." from a 429's Retry-After. */
export function tooManyTries(error: ApiError): string {
  return error.retryAfterSeconds === null
    ? "Too many tries: wait a moment and try again."
    : `Too many tries: wait ${error.retryAfterSeconds} s.`;
}

/** The alert for a failed sign-in or sign-up that no field owns. */
export function credentialsAlert(error: ApiError): string {
  if (error.status === 401) return "Wrong email or password.";
  if (error.status === 429) return tooManyTries(error);
  if (error.status === 409) return "An account with this email already exists.";
  if (error.status === 422) return "Please check the fields below.";
  return plainMessage(error);
}

/** Checks typed credentials before sending them: one message per field, keyed like the server's 422. */
export function checkCredentials(mode: CredentialsMode, email: string, password: string): FieldErrors {
  const errors: FieldErrors = {};
  if (email.trim() === "") errors.email = "Required.";
  else if (!looksLikeEmail(email)) errors.email = "Not an email address.";
  if (password === "") errors.password = "Required.";
  else if (mode === "signup" && password.length < accountPasswordMinLength)
    errors.password = `At least ${accountPasswordMinLength} characters.`;
  return errors;
}

export class CredentialsForm {
  email = $state("");
  password = $state("");
  /** Field → message; replaced whole. */
  errors = $state.raw<FieldErrors>({});
  alert = $state<string | null>(null);
  /** The email has an account already: the page offers to sign in with it. */
  emailTaken = $state(false);
  submitting = $state(false);

  readonly mode: CredentialsMode;
  #api: Pick<Api, "post">;

  constructor(mode: CredentialsMode, api: Pick<Api, "post">) {
    this.mode = mode;
    this.#api = api;
  }

  /** The signed-in view when it worked; null with `errors` / `alert` saying why when not. */
  async submit(): Promise<AccountSignedInView | null> {
    if (this.submitting) return null;
    this.emailTaken = false;
    this.alert = null;
    this.errors = checkCredentials(this.mode, this.email, this.password);
    if (Object.keys(this.errors).length > 0) {
      this.alert = "Please check the fields below.";
      return null;
    }
    this.submitting = true;
    const endpoint = this.mode === "signup" ? endpoints.signUp() : endpoints.signIn();
    const result = await this.#api.post(endpoint, { email: this.email.trim(), password: this.password });
    this.submitting = false;
    if (result.ok) return result.data;
    this.errors = result.error.status === 422 ? accountFieldErrors(result.error) : {};
    this.emailTaken = result.error.status === 409;
    this.alert = credentialsAlert(result.error);
    if (result.error.status === 401) this.password = "";
    return null;
  }
}

// The signed-in admin, shared by every admin page. The session itself is an HttpOnly cookie the
// client never sees; what the client keeps is who is signed in and the CSRF token that every
// admin write must echo in `X-CSRF-Token` (handed to the Api, which adds the header), and the
// payment providers the server is configured for (the New event form offers only those).
import type { PaymentProviderName } from "@stampede/shared/api/events";
import type { AdminRole } from "@stampede/shared/roles";
import { plainMessage, type Api, type ApiError } from "./api.js";
import * as endpoints from "./endpoints.js";
import type { AdminMeView } from "./views.js";

export type AdminSessionState =
  | { kind: "unknown" } // not asked yet
  | { kind: "checking" } // GET /api/admin/me in flight
  | { kind: "signed_out"; expired: boolean } // expired: a call found the session gone
  | { kind: "signed_in"; username: string; role: AdminRole };

type SessionApi = Pick<Api, "get" | "post" | "setCsrfToken">;

export class AdminSession {
  /** Replaced whole on every change. */
  state = $state.raw<AdminSessionState>({ kind: "unknown" });
  /** The last failure of me/login/logout, cleared by the next attempt. */
  error = $state.raw<ApiError | null>(null);
  /** True while login or logout is in flight: forms disable their button. */
  submitting = $state(false);
  csrfToken = $state<string | null>(null);
  /** What events may choose on this server, as the last "who am I" said; MockPay until then. */
  paymentProviders = $state.raw<readonly PaymentProviderName[]>(["mockpay"]);

  username = $derived(this.state.kind === "signed_in" ? this.state.username : null);
  role = $derived(this.state.kind === "signed_in" ? this.state.role : null);
  signedIn = $derived(this.state.kind === "signed_in");
  errorMessage = $derived(this.error === null ? null : sessionMessage(this.error));

  #api: SessionApi;

  constructor(api: SessionApi) {
    this.#api = api;
  }

  /** Asks the server whether the cookie is still a session. Signed out on 401 or on any failure. */
  async me(): Promise<void> {
    this.state = { kind: "checking" };
    const result = await this.#api.get(endpoints.adminMe());
    if (result.ok) {
      this.#signIn(result.data);
      this.error = null;
    } else {
      this.#signOut();
      this.error = result.error.code === "unauthorized" ? null : result.error;
    }
  }

  /** Returns whether the sign-in worked; on failure `error` / `errorMessage` say why. */
  async login(username: string, password: string): Promise<boolean> {
    if (this.submitting) return false;
    this.submitting = true;
    this.error = null;
    const result = await this.#api.post(endpoints.adminLogin(), { username, password });
    this.submitting = false;
    if (!result.ok) {
      this.error = result.error;
      return false;
    }
    this.#signIn(result.data);
    return true;
  }

  /** Signs out on the server (CSRF header added by the Api). A 401 means it already ended. */
  async logout(): Promise<boolean> {
    if (this.submitting) return false;
    this.submitting = true;
    this.error = null;
    const result = await this.#api.post(endpoints.adminLogout());
    this.submitting = false;
    if (!result.ok && result.error.code !== "unauthorized") {
      this.error = result.error;
      return false;
    }
    this.#signOut();
    return true;
  }

  /** Another admin call answered 401: the cookie expired or was revoked. */
  expired(): void {
    this.#signOut(true);
  }

  #signIn(me: AdminMeView): void {
    this.state = { kind: "signed_in", username: me.username, role: me.role };
    this.csrfToken = me.csrfToken;
    this.paymentProviders = me.paymentProviders;
    this.#api.setCsrfToken(me.csrfToken);
  }

  #signOut(expired = false): void {
    this.state = { kind: "signed_out", expired };
    this.csrfToken = null;
    this.#api.setCsrfToken(null);
  }
}

/** Only login stores a 401 in `error` (me and logout treat it as "signed out"): wrong credentials. */
function sessionMessage(error: ApiError): string {
  if (error.code === "unauthorized") return "Wrong username or password.";
  return plainMessage(error);
}

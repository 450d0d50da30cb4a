// The fan's anonymous session, shared by every fan page. `POST /api/session` sets the HttpOnly
// cookie (the same browser gets the same fan back) and returns the token the socket sends in
// `auth` and the REST fallback and hold calls send as `Authorization: Bearer`. The token lives in
// memory, mirrored in sessionStorage so other pages of this tab (the lottery's "find my id") know
// the fan id without starting a session of their own.
import type { FanSessionView } from "@stampede/shared/api/session";
import type { Api, ApiError, ApiResult } from "./api.js";
import * as endpoints from "./endpoints.js";
import { readJson, storageKeys, writeJson, type KeyValueStorage } from "./storage.js";

export type { FanSessionView };

export type FanSessionState =
  | { kind: "none" }
  | { kind: "starting" }
  | { kind: "ready"; fanId: string; fanToken: string }
  | { kind: "failed"; error: ApiError };

/** What the waiting room and the hold form need of a session. */
export interface FanSessionPort {
  readonly token: string | null;
  /** The current session, started if there is none yet. */
  ensure(): Promise<ApiResult<FanSessionView>>;
  /** A fresh session: the server refused the token we had (expired, or signed with an old key). */
  renew(): Promise<ApiResult<FanSessionView>>;
}

export class FanSession implements FanSessionPort {
  /** Replaced whole on every change. */
  state = $state.raw<FanSessionState>({ kind: "none" });
  token = $derived(this.state.kind === "ready" ? this.state.fanToken : null);
  fanId = $derived(this.state.kind === "ready" ? this.state.fanId : null);

  #api: Pick<Api, "post">;
  #storage: KeyValueStorage | null;
  #inFlight: Promise<ApiResult<FanSessionView>> | null = null;
  /** Bumped by adopt(): a session call started before it must not overwrite the adopted one. */
  #generation = 0;

  constructor(api: Pick<Api, "post">, storage: KeyValueStorage | null) {
    this.#api = api;
    this.#storage = storage;
  }

  ensure(): Promise<ApiResult<FanSessionView>> {
    if (this.state.kind === "ready")
      return Promise.resolve({ ok: true, data: { fanId: this.state.fanId, fanToken: this.state.fanToken } });
    return this.#inFlight ?? this.#start();
  }

  renew(): Promise<ApiResult<FanSessionView>> {
    if (this.#inFlight) return this.#inFlight;
    this.state = { kind: "none" };
    return this.#start();
  }

  /** Takes the fan identity a sign-in or sign-up answered with (the account's), at once. Whatever
   * holds the old token (an open socket) keeps it until the next page load: callers load a page. */
  adopt(view: FanSessionView): void {
    this.#generation += 1;
    this.#inFlight = null;
    this.state = { kind: "ready", fanId: view.fanId, fanToken: view.fanToken };
    writeJson(this.#storage, storageKeys.fanSession, { fanId: view.fanId, fanToken: view.fanToken });
  }

  /** The fan id this tab last had, without asking the server (null when it never had one). */
  rememberedFanId(): string | null {
    if (this.state.kind === "ready") return this.state.fanId;
    const stored = readJson(this.#storage, storageKeys.fanSession);
    return isSessionView(stored) ? stored.fanId : null;
  }

  #start(): Promise<ApiResult<FanSessionView>> {
    this.state = { kind: "starting" };
    const generation = this.#generation;
    const call = this.#api.post(endpoints.session()).then((result) => {
      if (generation !== this.#generation) return this.ensure(); // adopt() replaced it meanwhile: that one
      this.#inFlight = null;
      if (result.ok && isSessionView(result.data)) {
        this.state = { kind: "ready", fanId: result.data.fanId, fanToken: result.data.fanToken };
        writeJson(this.#storage, storageKeys.fanSession, { fanId: result.data.fanId, fanToken: result.data.fanToken });
        return result;
      }
      const error: ApiError = result.ok
        ? {
            status: 200,
            code: "bad_response",
            message: "session answer without fanId/fanToken",
            retryAfterSeconds: null,
          }
        : result.error;
      this.state = { kind: "failed", error };
      return { ok: false as const, error };
    });
    this.#inFlight = call;
    return call;
  }
}

function isSessionView(value: unknown): value is FanSessionView {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.fanId === "string" && typeof v.fanToken === "string" && v.fanId !== "" && v.fanToken !== "";
}

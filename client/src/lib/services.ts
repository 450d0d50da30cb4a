// The app's long-lived objects, built once in main.ts (the composition root) and handed to every
// component through context: `const { api, router, adminSession } = getServices();`.
import { assert } from "@stampede/shared/assert";
import { getContext } from "svelte";
import type { AccountSession } from "./account.svelte.js";
import type { AdminSession } from "./admin-session.svelte.js";
import type { Api } from "./api.js";
import type { FanSession } from "./fan-session.svelte.js";
import type { Router } from "./router.svelte.js";
import type { AdminSocketFactory, SocketFactory } from "./socket.js";
import type { KeyValueStorage } from "./storage.js";

export interface Services {
  api: Api;
  router: Router;
  adminSession: AdminSession;
  fanSession: FanSession;
  /** The fan's optional account (the header and the /account pages). */
  account: AccountSession;
  /** Opens the waiting-room socket (lib/socket.ts). */
  createSocket: SocketFactory;
  /** Opens the admin namespace socket (the live dashboard). */
  createAdminSocket: AdminSocketFactory;
  /** This tab's sessionStorage, or null where the browser refuses it. */
  storage: KeyValueStorage | null;
  /** Leaves the app for a server page with a real page load (the payment provider). */
  loadPage: (url: string) => void;
}

const key = Symbol("stampede services");

/** The `context` option of `mount()` for the root component. */
export function servicesContext(services: Services): Map<symbol, Services> {
  return new Map([[key, services]]);
}

export function getServices(): Services {
  const services = getContext<Services | undefined>(key);
  assert(services !== undefined, "getServices() outside a tree mounted with servicesContext()");
  return services;
}

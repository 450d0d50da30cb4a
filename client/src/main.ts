// Composition root: the only place that touches the real window, fetch, storage and socket.
import { mount } from "svelte";
import "./app.css";
import "./styles/admin.css";
import "./styles/order.css";
import App from "./App.svelte";
import { AccountSession } from "./lib/account.svelte.js";
import { AdminSession } from "./lib/admin-session.svelte.js";
import { createApi } from "./lib/api.js";
import { FanSession } from "./lib/fan-session.svelte.js";
import { Router } from "./lib/router.svelte.js";
import { servicesContext } from "./lib/services.js";
import { adminSocketFactory, fanSocketFactory } from "./lib/socket.js";
import { browserSessionStorage } from "./lib/storage.js";

const target = document.getElementById("app");
if (!target) throw new Error("#app is missing from index.html");

const api = createApi({ fetch: (input, init) => window.fetch(input, init) });
const router = new Router(window);
router.start();
const adminSession = new AdminSession(api);
const storage = browserSessionStorage();
const fanSession = new FanSession(api, storage);
const account = new AccountSession(api);

export default mount(App, {
  target,
  context: servicesContext({
    api,
    router,
    adminSession,
    fanSession,
    account,
    createSocket: fanSocketFactory,
    createAdminSocket: adminSocketFactory,
    storage,
    loadPage: (url) => window.location.assign(url),
  }),
});

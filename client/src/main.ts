// Composition root: the only place that touches the real window and fetch.
import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";
import { AdminSession } from "./lib/admin-session.svelte.js";
import { createApi } from "./lib/api.js";
import { Router } from "./lib/router.svelte.js";
import { servicesContext } from "./lib/services.js";

const target = document.getElementById("app");
if (!target) throw new Error("#app is missing from index.html");

const api = createApi({ fetch: (input, init) => window.fetch(input, init) });
const router = new Router(window);
router.start();
const adminSession = new AdminSession(api);

export default mount(App, { target, context: servicesContext({ api, router, adminSession }) });

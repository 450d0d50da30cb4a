// A history-API router: the current URL as state, the matched Route derived from it.
// `start()` makes plain `<a href="/…">` links navigate in place (no component needed) and makes
// back/forward work; `navigate()` is for code (e.g. after login). The window is injected.
import { inAppHref, parseUrl, queryOf, type UrlParts } from "./links.js";
import { matchRoute, type Route } from "./routes.js";

export interface RouterWindow {
  location: { href: string };
  history: {
    pushState(data: unknown, unused: string, url: string): void;
    replaceState(data: unknown, unused: string, url: string): void;
  };
  addEventListener(type: "popstate", listener: () => void): void;
  removeEventListener(type: "popstate", listener: () => void): void;
  scrollTo(x: number, y: number): void;
  document: {
    addEventListener(type: "click", listener: (event: MouseEvent) => void): void;
    removeEventListener(type: "click", listener: (event: MouseEvent) => void): void;
  };
}

export class Router {
  /** Replaced whole on every navigation. */
  url = $state.raw<UrlParts>({ origin: "", pathname: "/", search: "", hash: "" });
  route: Route = $derived(matchRoute(this.url.pathname));
  /** `?token=…` and friends; read-only. */
  query = $derived(queryOf(this.url.search));
  /** In-app navigations so far (not the first load): the layout moves focus when it changes. */
  navigations = $state(0);

  #window: RouterWindow;

  constructor(window: RouterWindow) {
    this.#window = window;
    this.url = parseUrl(window.location.href);
  }

  /** Listens for back/forward and link clicks; returns the function that stops listening. */
  start(): () => void {
    const onPopState = (): void => {
      this.url = parseUrl(this.#window.location.href);
      this.navigations += 1;
    };
    const onClick = (event: MouseEvent): void => {
      const link = event.target instanceof Element ? event.target.closest("a") : null;
      if (link === null || !link.hasAttribute("href")) return;
      const href = inAppHref(event, link, parseUrl(this.#window.location.href));
      if (href === null) return;
      event.preventDefault();
      this.navigate(href);
    };
    this.#window.addEventListener("popstate", onPopState);
    this.#window.document.addEventListener("click", onClick);
    return () => {
      this.#window.removeEventListener("popstate", onPopState);
      this.#window.document.removeEventListener("click", onClick);
    };
  }

  /** Goes to an in-app URL ("/events/42", "/admin?x=1"); `replace` keeps history from growing. */
  navigate(href: string, options: { replace?: boolean } = {}): void {
    const url = parseUrl(href, this.#window.location.href);
    const target = url.pathname + url.search + url.hash;
    const current = parseUrl(this.#window.location.href);
    const same = current.pathname + current.search + current.hash === target;
    if (options.replace || same) this.#window.history.replaceState(null, "", target);
    else this.#window.history.pushState(null, "", target);
    this.url = url;
    this.navigations += 1;
    if (url.hash === "") this.#window.scrollTo(0, 0);
  }
}

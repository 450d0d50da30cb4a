// Goal: navigate() and back/forward keep the URL, the history and the matched route in step.
import { describe, expect, it } from "vitest";
import { Router, type RouterWindow } from "./router.svelte.js";

function fakeWindow(start: string) {
  const entries = [start];
  let index = 0;
  let popstate: (() => void) | null = null;
  const window: RouterWindow = {
    location: {
      get href() {
        return entries[index] ?? start;
      },
    },
    history: {
      pushState(_data, _unused, url) {
        entries.splice(index + 1, entries.length, new URL(url, entries[index]).href);
        index += 1;
      },
      replaceState(_data, _unused, url) {
        entries[index] = new URL(url, entries[index]).href;
      },
    },
    addEventListener: (_type, listener) => (popstate = listener),
    removeEventListener: () => (popstate = null),
    scrollTo: () => {},
    document: { addEventListener: () => {}, removeEventListener: () => {} },
  };
  const back = (): void => {
    index -= 1;
    popstate?.();
  };
  return { window, entries, back, listening: () => popstate !== null };
}

describe("Router", () => {
  it("starts on the current URL", () => {
    const router = new Router(fakeWindow("https://shop.test/events/e1?token=t").window);
    expect(router.route).toEqual({ name: "event", eventId: "e1" });
    expect(router.query.get("token")).toBe("t");
    expect(router.navigations).toBe(0);
  });

  it("navigate() pushes history and switches the route", () => {
    const w = fakeWindow("https://shop.test/");
    const router = new Router(w.window);
    router.navigate("/admin");
    expect(w.entries).toEqual(["https://shop.test/", "https://shop.test/admin"]);
    expect(router.route).toEqual({ name: "admin" });
    expect(router.navigations).toBe(1);
  });

  it("navigate() to the same URL or with replace does not grow history", () => {
    const w = fakeWindow("https://shop.test/");
    const router = new Router(w.window);
    router.navigate("/");
    router.navigate("/admin", { replace: true });
    expect(w.entries).toEqual(["https://shop.test/admin"]);
  });

  it("back restores the previous route; stop() stops listening", () => {
    const w = fakeWindow("https://shop.test/");
    const router = new Router(w.window);
    const stop = router.start();
    router.navigate("/events/e2");
    w.back();
    expect(router.route).toEqual({ name: "home" });
    stop();
    expect(w.listening()).toBe(false);
  });

  it("unknown paths are the not-found route", () => {
    const router = new Router(fakeWindow("https://shop.test/nowhere").window);
    expect(router.route).toEqual({ name: "not_found", pathname: "/nowhere" });
  });
});

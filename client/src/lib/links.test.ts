// Goal: in-app links navigate in place; everything the browser should handle itself is left alone.
import { describe, expect, it } from "vitest";
import { inAppHref, orderTokenFromUrl, parseUrl, privateOrderLink, type ClickLike, type LinkLike } from "./links.js";

const current = parseUrl("https://shop.test/events/1?x=1");
const click: ClickLike = {
  defaultPrevented: false,
  button: 0,
  metaKey: false,
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
};

function link(href: string, attrs: Record<string, string> = {}): LinkLike {
  return {
    href: new URL(href, "https://shop.test/events/1?x=1").href,
    target: attrs.target ?? "",
    hasAttribute: (name) => name in attrs,
    relList: { contains: (token) => (attrs.rel ?? "").split(" ").includes(token) },
  };
}

describe("inAppHref", () => {
  it("takes plain same-origin links", () => {
    expect(inAppHref(click, link("/admin"), current)).toBe("/admin");
    expect(inAppHref(click, link("/events/2?token=t#top"), current)).toBe("/events/2?token=t#top");
  });

  it("leaves modified clicks, new tabs, downloads and external links to the browser", () => {
    expect(inAppHref({ ...click, ctrlKey: true }, link("/admin"), current)).toBeNull();
    expect(inAppHref({ ...click, button: 1 }, link("/admin"), current)).toBeNull();
    expect(inAppHref({ ...click, defaultPrevented: true }, link("/admin"), current)).toBeNull();
    expect(inAppHref(click, link("/admin", { target: "_blank" }), current)).toBeNull();
    expect(inAppHref(click, link("/t.pdf", { download: "" }), current)).toBeNull();
    expect(inAppHref(click, link("/admin", { rel: "external" }), current)).toBeNull();
    expect(inAppHref(click, link("https://elsewhere.test/"), current)).toBeNull();
  });

  it("leaves server pages and same-page anchors to the browser", () => {
    expect(inAppHref(click, link("/mockpay/checkout/s1"), current)).toBeNull();
    expect(inAppHref(click, link("/api/tickets/t/qr.png"), current)).toBeNull();
    expect(inAppHref(click, link("#main"), current)).toBeNull();
  });
});

describe("order links", () => {
  it("puts the token in the fragment and reads it back", () => {
    const link = privateOrderLink("https://shop.test", "o 1", "a+b/c=");
    expect(link).toBe("https://shop.test/orders/o%201#token=a%2Bb%2Fc%3D");
    expect(orderTokenFromUrl(parseUrl(link))).toBe("a+b/c=");
  });

  it("still reads links sent with ?token=, and prefers the fragment when both are there", () => {
    expect(orderTokenFromUrl(parseUrl("https://shop.test/orders/1?token=old&outcome=succeeded"))).toBe("old");
    expect(orderTokenFromUrl(parseUrl("https://shop.test/orders/1?token=old#token=new"))).toBe("new");
    expect(orderTokenFromUrl(parseUrl("https://shop.test/orders/1"))).toBeNull();
    expect(orderTokenFromUrl(parseUrl("https://shop.test/orders/1?token=#token="))).toBeNull();
  });
});

// Goal: the QR code the server draws goes into the page as is; anything that is more than a
// drawing (scripts, handlers, links, styles, text, broken markup) is refused.
import { describe, expect, it } from "vitest";
import { safeQrSvg } from "./qr-svg.js";

const qr =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29" shape-rendering="crispEdges"><path fill="#ffffff" d="M0 0h29v29H0z"/><path stroke="#000000" d="M2 2.5h7m2 0h1"/></svg>\n';

describe("safeQrSvg", () => {
  it("accepts what the server's QR library draws", () => {
    expect(safeQrSvg(qr)).toBe(qr.trim());
    expect(safeQrSvg(`<?xml version="1.0"?>\n${qr}`)).toBe(qr.trim());
    expect(safeQrSvg('<svg viewBox="0 0 2 2"><g transform="scale(1)"><rect x="0" y="0" width="1" height="1"/></g></svg>')).not.toBeNull();
  });

  it("refuses scripts, handlers, links, styles and foreign content", () => {
    const bad = [
      '<svg><script>alert(1)</script></svg>',
      '<svg onload="alert(1)"><path d="M0 0"/></svg>',
      '<svg><a href="https://evil.test"><path d="M0 0"/></a></svg>',
      '<svg><path style="fill:red" d="M0 0"/></svg>',
      '<svg><path fill="url(#x)" d="M0 0"/></svg>',
      '<svg><foreignObject></foreignObject></svg>',
      "<svg><!-- hi --><path d=\"M0 0\"/></svg>",
      "<svg>text</svg>",
      '<svg><path d="M0 0"></svg>',
      '<svg><path d="M0 0"/></svg><script>x</script>',
      "<html><svg></svg></html>",
      '<svg><image href="javascript:alert(1)"/></svg>',
      '<svg><path d="&#106;avascript"/></svg>',
    ];
    for (const text of bad) expect(safeQrSvg(text), text).toBeNull();
  });
});

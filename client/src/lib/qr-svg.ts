// A ticket's QR code is drawn inline (crisp at any size, printable, no extra request per redraw).
// The SVG comes from our own server, but it is put into the page as markup, so it is checked
// first: only the shapes a QR code needs (svg, g, path, rect) with drawing attributes — no
// scripts, event handlers, links, styles or foreign content. Anything else is refused and the
// page falls back to an <img> of the same SVG.

const allowedTags: ReadonlySet<string> = new Set(["svg", "g", "path", "rect"]);
const allowedAttributes: ReadonlySet<string> = new Set([
  "xmlns",
  "viewBox",
  "width",
  "height",
  "version",
  "shape-rendering",
  "fill",
  "stroke",
  "stroke-width",
  "d",
  "x",
  "y",
  "transform",
]);

const tagPattern = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w:-]+\s*=\s*"[^"<>]*")*)\s*(\/?)>/y;
const attributePattern = /([\w:-]+)\s*=\s*"([^"<>]*)"/g;

/** The SVG markup if it is a plain drawing; null otherwise. */
export function safeQrSvg(text: string): string | null {
  const svg = text.replace(/^\s*(<\?xml[^>]*\?>)?\s*/, "").trim();
  if (!svg.startsWith("<svg") || svg.length > 200_000) return null;
  const open: string[] = [];
  let at = 0;
  while (at < svg.length) {
    const next = svg.indexOf("<", at);
    if (next === -1) return svg.slice(at).trim() === "" ? (open.length === 0 ? svg : null) : null;
    if (svg.slice(at, next).trim() !== "") return null; // text content: a QR code has none
    tagPattern.lastIndex = next;
    const tag = tagPattern.exec(svg);
    if (tag === null) return null; // a comment, CDATA, a doctype or broken markup
    const [whole, closing, rawName, attributes, selfClosing] = tag;
    const name = rawName ?? "";
    if (!allowedTags.has(name) || !attributesAllowed(attributes ?? "")) return null;
    if (closing) {
      if (open.pop() !== name) return null;
    } else if (!selfClosing) {
      open.push(name);
    }
    at = next + whole.length;
  }
  return open.length === 0 ? svg : null;
}

function attributesAllowed(attributes: string): boolean {
  for (const [, name, value] of attributes.matchAll(attributePattern)) {
    if (!allowedAttributes.has(name ?? "")) return false;
    if (/url\s*\(|javascript:|&/i.test(value ?? "")) return false;
  }
  return true;
}

// Structured logs (pino). One root logger per process; requests get child loggers with an id.
// Secrets never reach a log line: credential headers are censored wherever they appear, and
// request URLs are logged with the values of token-like query parameters replaced.
import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

export const redactedValue = "[redacted]";

/** Query parameters whose values are secrets (order links, fan and admission tokens, signatures …). */
const secretParamPattern = /token|admission|secret|password|passwd|signature|session|key|auth|code/i;

/** Header paths censored in any logged object (a request, its headers, an error's request). */
const redactPaths = ["authorization", "cookie", "set-cookie", "x-csrf-token", "mockpay-signature"].flatMap((h) => [
  `req.headers["${h}"]`,
  `headers["${h}"]`,
  `res.headers["${h}"]`,
]);

/** The URL with the value of every secret-looking query parameter replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, " "));
      } catch {
        // A malformed escape: judge the raw name.
      }
      return eq >= 0 && secretParamPattern.test(name) ? `${rawName}=${redactedValue}` : pair;
    });
  return `${url.slice(0, q)}?${query.join("&")}`;
}

/** The request as logged: id, method and a redacted URL — never headers or bodies. */
export function requestSerializer(req: { id: unknown; method: string; url: string }) {
  return { id: req.id, method: req.method, url: redactUrl(req.url) };
}

/** `destination` lets tests read what would be written. */
export function createLogger(level: string, name: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    name,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths, censor: redactedValue },
    serializers: { req: requestSerializer },
  };
  return destination ? pino(options, destination) : pino(options);
}

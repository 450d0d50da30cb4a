// Requests Node's HTTP parser refuses before Express sees them (a URL or headers over the size
// limit, a malformed request line, a request too slow to arrive) get the contract's JSON error
// shape instead of a bare status line.
import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import type { ErrorBody } from "@stampede/shared/errors";

const answers: Record<string, { status: number; reason: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: "Request Header Fields Too Large",
    message: "the request's URL or headers are too large",
  },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: "Request Timeout", message: "the request took too long to arrive" },
};
const malformed = { status: 400, reason: "Bad Request", message: "the request is not valid HTTP" };

export function answerUnparsableRequests(server: Server): void {
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A response already under way on this connection cannot be followed by another: just close.
    const inFlight =
      (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (err.code === "ECONNRESET" || !socket.writable || inFlight) {
      socket.destroy();
      return;
    }
    const answer = answers[err.code ?? ""] ?? malformed;
    const body = JSON.stringify({ error: { code: "invalid_request", message: answer.message } } satisfies ErrorBody);
    const head = [
      `HTTP/1.1 ${answer.status} ${answer.reason}`,
      "Content-Type: application/json; charset=utf-8",
      `Content-Length: ${Buffer.byteLength(body)}`,
      "Connection: close",
    ];
    socket.end(`${head.join("\r\n")}\r\n\r\n${body}`);
  });
}

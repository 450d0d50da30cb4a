// The calibration target (performance.md): a no-op Express route and a no-op Socket.IO ack, in a
// process of its own, so a scenario's figure reads as a fraction of what this box does at all.
// Prints "listening on <port>" and runs until killed (the parent kills it at the end of its run).
import { createServer } from "node:http";
import express from "express";
import { Server } from "socket.io";

const app = express();
app.get("/noop", (_req, res) => void res.json({ ok: true }));
app.get("/healthz", (_req, res) => void res.json({ ok: true }));
const server = createServer(app);
const io = new Server(server, { transports: ["websocket"] });
io.on("connection", (socket) => {
  socket.on("noop", (_payload: unknown, ack: (r: { ok: true }) => void) => ack({ ok: true }));
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening on ${typeof address === "object" && address ? address.port : 0}`);
});

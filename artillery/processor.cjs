// Artillery processor for the Stampede scenarios (CommonJS: Artillery loads processors with require).
// Custom metrics (histograms in ms, counters):
//   stampede.push_latency_ms      queue:status receipt − the frame's sentAtMs (same box, same clock)
//   stampede.time_in_queue_ms     first queue:join → queue:admitted (or an admitted join ack)
//   stampede.pay_to_paid_ms       MockPay complete answered → order `paid` observed (push or poll)
//   stampede.status_frames        queue:status frames received (soak)
"use strict";

/** How long a fan waits for admission / for `paid` before the VU fails: every wait has a deadline. */
const admissionWaitMs = 60_000;
const paidWaitMs = 30_000;

function fanSocket(context) {
  const socket = context.sockets && context.sockets[""];
  if (!socket) throw new Error("no socket: this step needs the socketio engine");
  return socket;
}

/** Registers the listeners that measure push latency and catch admissions and order updates. */
function listen(context, events, next) {
  const socket = fanSocket(context);
  context.vars.statusFrames = 0;
  socket.on("queue:status", (st) => {
    context.vars.statusFrames++;
    events.emit("counter", "stampede.status_frames", 1);
    if (typeof st.sentAtMs === "number") events.emit("histogram", "stampede.push_latency_ms", Date.now() - st.sentAtMs);
  });
  socket.on("queue:admitted", (a) => {
    if (a.eventId === context.vars.eventId && !context.vars.admissionToken) context.vars.admissionToken = a.token;
  });
  socket.on("order:update", (u) => {
    if (u.status === "paid") context.vars.paidPushed = u.orderId;
  });
  context.vars.joinedAtMs = Date.now();
  return next();
}

/** Waits for the admission (asks once more with a join, which answers the admission when there is one). */
function waitAdmitted(context, events, next) {
  const socket = fanSocket(context);
  const started = context.vars.joinedAtMs || Date.now();
  socket.timeout(10_000).emit("queue:join", { eventId: context.vars.eventId }, (err, ack) => {
    if (!err && ack && ack.ok && ack.data.admission && !context.vars.admissionToken)
      context.vars.admissionToken = ack.data.admission.token;
    const poll = setInterval(() => {
      if (context.vars.admissionToken) {
        clearInterval(poll);
        events.emit("histogram", "stampede.time_in_queue_ms", Date.now() - started);
        return next();
      }
      if (Date.now() - started > admissionWaitMs) {
        clearInterval(poll);
        return next(new Error("not admitted in time"));
      }
    }, 20);
  });
}

/** paymentUrl → the MockPay session id. */
function paymentSession(context, events, next) {
  const url = context.vars.paymentUrl;
  if (!url) return next(new Error("hold answered no paymentUrl"));
  context.vars.sessionId = new URL(url).pathname.split("/").filter(Boolean).pop();
  context.vars.paidAtMs = Date.now();
  return next();
}

/** Waits until the order is `paid`: the socket's order:update, else a 100 ms poll of the order. */
function waitPaid(context, events, next) {
  const started = Date.now();
  const { orderId, orderToken } = context.vars;
  const pushed = Boolean(context.sockets && context.sockets[""]);
  let polledAtMs = 0;
  const tick = async () => {
    if (context.vars.paidPushed === orderId) return done();
    // No socket: poll every 100 ms. With a socket the push decides; a 1 s poll is the safety net.
    if (!pushed || Date.now() - polledAtMs >= 1_000) {
      polledAtMs = Date.now();
      const res = await fetch(`${context.vars.target}/api/orders/${orderId}`, {
        headers: { authorization: `Bearer ${orderToken}` },
        signal: AbortSignal.timeout(5_000),
      });
      if (res.ok && (await res.json()).status === "paid") return done();
    }
    if (Date.now() - started > paidWaitMs) return next(new Error("order not paid in time"));
    setTimeout(() => void tick().catch((e) => next(e)), 100);
  };
  const done = () => {
    events.emit("histogram", "stampede.pay_to_paid_ms", Date.now() - started);
    events.emit("counter", "stampede.paid", 1);
    next();
  };
  void tick().catch((e) => next(e));
}

/** REST admission for the HTTP-only scenario: join, then poll every 500 ms until admitted. */
function restAdmission(context, events, next) {
  const started = Date.now();
  const url = `${context.vars.target}/api/events/${context.vars.eventId}/queue`;
  const headers = { authorization: `Bearer ${context.vars.fanToken}` };
  const ask = async (method) => {
    const res = await fetch(url, { method, headers, signal: AbortSignal.timeout(5_000) });
    const body = await res.json();
    const token = body.entry && body.entry.admission && body.entry.admission.token;
    if (token) {
      context.vars.admissionToken = token;
      events.emit("histogram", "stampede.time_in_queue_ms", Date.now() - started);
      return next();
    }
    if (Date.now() - started > admissionWaitMs) return next(new Error("not admitted in time"));
    setTimeout(() => void ask("GET").catch((e) => next(e)), 500);
  };
  void ask("POST").catch((e) => next(e));
}

module.exports = { listen, waitAdmitted, paymentSession, waitPaid, restAdmission };

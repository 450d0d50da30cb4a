// The Stripe stand-in's hosted page (never used by production code): the session's amount and
// three ways out, as plain forms, so a browser test can pay the way a fan pays on Stripe's page.
import type { SessionJson } from "./stripe-standin-objects.js";

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function renderPage(session: SessionJson, cancelUrl: string): string {
  const amount = `${((session.amount_total ?? 0) / 100).toFixed(2)} ${(session.currency ?? "").toUpperCase()}`;
  const open = session.status === "open";
  const forms = open
    ? `<form method="post" action="/c/pay/${session.id}/pay"><button type="submit">Pay</button></form>
<form method="post" action="/c/pay/${session.id}/pay-async">
<button type="submit">Pay by bank (settles later)</button></form>
<p><a href="${escape(cancelUrl)}">Back</a></p>`
    : `<p>This session is ${escape(String(session.status))}.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stripe stand-in checkout</title></head>
<body><h1>Stripe stand-in</h1><p id="amount">${escape(amount)}</p>${forms}</body></html>`;
}

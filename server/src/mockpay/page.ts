// The hosted checkout page. It must look like somebody else's site (a fan should see they left the
// shop), and work under the shop's CSP (`script-src 'self'`): plain HTML forms, inline CSS, and one
// script file from MockPay's own path (page-script.ts) for the live countdown to the shop's deadline.
// Every value shown is escaped: descriptions and URLs come from the shop, not from MockPay.
import { checkoutScriptPath } from "./page-script.js";
import type { SessionView } from "./service.js";

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

/** Minor units → "$42.00" / "¥4,200": the currency decides how many minor digits it has. */
export function formatAmount(amountCents: number, currency: string): string {
  const format = new Intl.NumberFormat("en-US", { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amountCents / 10 ** digits);
}

const styles = `
  *{box-sizing:border-box}
  body{margin:0;font-family:"Trebuchet MS",Verdana,sans-serif;background:#0f3d3e;color:#102a2b;min-height:100vh}
  .test{background:#ffb000;color:#2b1d00;text-align:center;font-weight:bold;padding:.4rem;letter-spacing:.08em;font-size:.85rem}
  main{max-width:26rem;margin:3rem auto;background:#f7f4ea;border-radius:14px;padding:1.8rem;box-shadow:0 10px 30px #0006}
  .brand{font-size:1.5rem;font-weight:800;color:#0f3d3e;margin:0 0 1.2rem}
  .brand span{color:#e4572e}
  .amount{font-size:2.2rem;font-weight:700;margin:.2rem 0}
  .muted{color:#5b6b6b;font-size:.9rem}
  form{display:grid;gap:.6rem;margin-top:1.4rem}
  button{font:inherit;font-weight:700;padding:.8rem;border-radius:8px;border:2px solid #0f3d3e;cursor:pointer}
  .pay{background:#0f3d3e;color:#f7f4ea}.decline{background:#f7f4ea;color:#a4161a;border-color:#a4161a}.cancel{background:transparent;color:#0f3d3e}
  a{color:#0f3d3e;font-weight:700}
  .left{font-size:1.1rem;font-weight:700;margin:.8rem 0 0}.left .muted{font-weight:400}
  .expired{background:#fde2e1;color:#a4161a;font-weight:700;border-radius:8px;padding:.6rem .8rem;margin:.8rem 0 0}
  button:disabled{opacity:.45;cursor:not-allowed}
`;

/** "2:41 left to pay" (minutes:seconds, rounded up so it reads 0:01 until the very end). */
export function leftToPay(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")} left to pay`;
}

/** The shop's deadline: a countdown the page script keeps live, or "expired" once it has passed. */
function deadline(payBy: string | null, nowMs: number): { html: string; expired: boolean } {
  if (payBy === null) return { html: "", expired: false };
  const ms = Date.parse(payBy) - nowMs;
  const clock = `${new Date(payBy).toISOString().slice(11, 16)} UTC`;
  const gone = `<p class="expired" role="alert" data-expired${ms > 0 ? " hidden" : ""}>This payment has expired: the shop's hold on your order ended. Cancel to go back to the shop.</p>`;
  if (ms <= 0) return { html: gone, expired: true };
  return {
    expired: false,
    html: `<p class="left" role="timer" data-pay-by="${escapeHtml(payBy)}" data-server-now="${nowMs}"><span data-left>${leftToPay(ms)}</span> <span class="muted">(held until <time datetime="${escapeHtml(payBy)}">${clock}</time>)</span></p>
${gone}
<script src="${checkoutScriptPath}" defer></script>`,
  };
}

function layout(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · MockPay</title><style>${styles}</style></head>
<body>
<div class="test" role="status">TEST MODE — MockPay is a simulated provider; no real money moves</div>
<main>
<p class="brand">Mock<span>Pay</span></p>
${content}
</main>
</body>
</html>
`;
}

export function renderCheckoutPage(session: SessionView, nowMs: number = Date.now()): string {
  const amount = formatAmount(session.amountCents, session.currency);
  const action = `/mockpay/checkout/${encodeURIComponent(session.sessionId)}/complete`;
  const due = deadline(session.payBy, nowMs);
  return layout(
    `Pay ${amount}`,
    `
<p class="muted">Payment requested by the merchant</p>
<p>${escapeHtml(session.description)}</p>
<p class="amount">${escapeHtml(amount)}</p>
<p class="muted">Session ${escapeHtml(session.sessionId)}</p>
${due.html}
<form method="post" action="${escapeHtml(action)}">
  <button class="pay" type="submit" name="outcome" value="succeeded"${due.expired ? " disabled" : ""}>Pay ${escapeHtml(amount)}</button>
  <button class="decline" type="submit" name="outcome" value="failed">Decline (simulate a refused card)</button>
  <button class="cancel" type="submit" name="outcome" value="canceled">Cancel and return to the shop</button>
</form>`,
  );
}

export interface MessagePage {
  title: string;
  message: string;
  /** A way back, e.g. to the shop's return URL. */
  link?: { href: string; text: string };
}

export function renderMessagePage(page: MessagePage): string {
  const link = page.link ? `<p><a href="${escapeHtml(page.link.href)}">${escapeHtml(page.link.text)}</a></p>` : "";
  return layout(page.title, `<h1>${escapeHtml(page.title)}</h1>\n<p>${escapeHtml(page.message)}</p>\n${link}`);
}

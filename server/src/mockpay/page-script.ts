// The hosted page's one script, served as a file from MockPay's own path so it runs under the
// shop's CSP (`script-src 'self'`) with no inline code. It turns the server-rendered "2:41 left to
// pay" into a live countdown (against the server's clock: the page carries the time it was drawn),
// writes the deadline in the fan's local time, and at 0 says the payment has expired and disables
// Pay. Without it the page still works: the server-rendered text and plain forms.

export const checkoutScriptPath = "/mockpay/assets/checkout.js";

export const checkoutScript = `"use strict";
(function () {
  var box = document.querySelector("[data-pay-by]");
  if (!box) return;
  var end = Date.parse(box.getAttribute("data-pay-by"));
  var skew = Date.now() - Number(box.getAttribute("data-server-now"));
  var left = box.querySelector("[data-left]");
  var at = box.querySelector("time");
  if (at) at.textContent = new Date(end).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
  function words(ms) {
    var s = Math.ceil(ms / 1000);
    var r = s % 60;
    return Math.floor(s / 60) + ":" + (r < 10 ? "0" : "") + r + " left to pay";
  }
  function expire() {
    box.hidden = true;
    var gone = document.querySelector("[data-expired]");
    if (gone) gone.hidden = false;
    var pay = document.querySelector("button[value=succeeded]");
    if (pay) pay.disabled = true;
  }
  function tick() {
    var ms = end - (Date.now() - skew);
    if (ms <= 0) return expire();
    left.textContent = words(ms);
    setTimeout(tick, ms % 1000 || 1000);
  }
  tick();
})();
`;

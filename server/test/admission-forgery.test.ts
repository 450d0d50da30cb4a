// Goal (R15, I7): an admission token buys a hold only for its own fan and event, while it is live
// and not yet used up. At POST /api/events/:id/holds every forged or replayed admission — a
// flipped bit, alg:none, HS256 under another key or under the fan-token key, another fan's,
// another event's, an expired one, one reused while its hold is open and after its order was
// paid — is refused, and none of them makes a hold: stock unchanged, the fan has no order, the
// audit adds up. The control: the same claims signed with the server's admission key do buy.
import { hkdfSync } from "node:crypto";
import { decodeJwt, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  admittedFan,
  auditOk,
  completePayment,
  hold,
  orderReaches,
  stockOf,
  type AdmittedFan,
} from "./support/checkout.js";
import { basicAuth, createEvent, newSession, waitFor } from "./support/fans.js";
import { stackAdmin, stackSecretKey } from "./support/stack.js";
import { useStack } from "./support/use-stack.js";

const served = useStack();
const basic = basicAuth(stackAdmin.username, stackAdmin.password);

async function saleEvent(waitingRoom: Record<string, unknown> = {}) {
  const event = await createEvent(served.url, stackAdmin, {
    name: "Admission forgery",
    status: "on_sale",
    classes: [{ code: "GA", name: "General", priceCents: 1_000, capacity: 10, perOrderMax: 2 }],
    waitingRoom: { admitPerMinute: 60_000, maxActiveCheckouts: 500, ...waitingRoom },
  });
  return { id: event.id, ga: (event.classes[0] as { id: string }).id };
}

const fan = async (eventId: string): Promise<AdmittedFan> => served.closeAfter(await admittedFan(served.url, eventId));

const keyFor = (secret: string, purpose: string) =>
  new Uint8Array(hkdfSync("sha256", secret, "stampede-token-keys", purpose, 32));

/** A token with exactly the claims of `genuine`, signed under the given key. */
function resign(genuine: string, key: Uint8Array): Promise<string> {
  const { sub, jti, iss, aud, iat, exp, ...rest } = decodeJwt(genuine);
  return new SignJWT(rest)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(sub!)
    .setJti(jti!)
    .setIssuer(iss!)
    .setAudience(aud as string)
    .setIssuedAt(iat!)
    .setExpirationTime(exp!)
    .sign(key);
}

function flipBit(token: string): string {
  const [h, p, sig] = token.split(".") as [string, string, string];
  const bytes = Buffer.from(sig, "base64url");
  bytes[5] = (bytes[5] ?? 0) ^ 0x01;
  return `${h}.${p}.${bytes.toString("base64url")}`;
}

const noneHeader = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
const algNone = (token: string) => `${noneHeader}.${token.split(".")[1]}.`;

async function ordersOf(f: AdmittedFan, eventId: string): Promise<number> {
  const auth = { authorization: `Bearer ${f.fanToken}` };
  const res = await fetch(`${served.url}/api/events/${eventId}/orders/mine`, { headers: auth });
  return ((await res.json()) as { orders: unknown[] }).orders.length;
}

const stockRow = async (eventId: string) =>
  (await stockOf(served.url, eventId)).map((c) => [c.available, c.held, c.sold]);

type Sale = Awaited<ReturnType<typeof saleEvent>>;
type Case = [name: string, who: { fanToken: string; admissionToken: string }, sale: Sale];

/** A buyer whose admission has bought: held once (a second hold is hold_active), then paid. */
async function paidBuyer(sale: Sale): Promise<AdmittedFan> {
  const buyer = await fan(sale.id);
  const items = [{ classId: sale.ga, quantity: 1 }];
  const bought = await hold(served.url, buyer, sale.id, items);
  expect(bought.status).toBe(201);
  const reusedWhileHeld = await hold(served.url, buyer, sale.id, items);
  expect([reusedWhileHeld.status, reusedWhileHeld.body.error?.code]).toEqual([409, "hold_active"]);
  await completePayment(served.url, bought.body.paymentUrl, "succeeded");
  await orderReaches(served.url, bought.body.orderId, bought.body.orderToken, "paid");
  return buyer;
}

/** A fan whose admission has run out: the room itself no longer shows them admitted. */
async function expiredFan(sale: Sale): Promise<AdmittedFan> {
  const late = await fan(sale.id);
  await waitFor(
    "the admission to expire",
    async () => {
      const res = await fetch(`${served.url}/api/events/${sale.id}/queue`, {
        headers: { authorization: `Bearer ${late.fanToken}` },
      });
      return ((await res.json()) as { entry: { state: string } | null }).entry?.state !== "admitted";
    },
    30_000,
  );
  return late;
}

async function holdOne([, who, sale]: Case) {
  return hold(served.url, who, sale.id, [{ classId: sale.ga, quantity: 1 }]);
}

describe("admission tokens at POST /holds", () => {
  it("refuses every forged, foreign, expired and reused admission and makes no hold", async () => {
    const [sale, other, short] = [await saleEvent(), await saleEvent(), await saleEvent({ admissionTtlSeconds: 10 })];
    const [f, g, elsewhere] = [await fan(sale.id), await fan(sale.id), await fan(other.id)];
    const [buyer, late] = await Promise.all([paidBuyer(sale), expiredFan(short)]);
    const stranger = await newSession(served.url); // never joined: the room has no trace of them
    const mine = f.admissionToken;
    const otherSecret = keyFor("another-secret-key-0123456789abcdef0123", "admission");

    const before = await stockRow(sale.id);
    const cases: Case[] = [
      ["a flipped bit", { ...f, admissionToken: flipBit(mine) }, sale],
      ["alg:none", { ...f, admissionToken: algNone(mine) }, sale],
      ["HS256 under another secret", { ...f, admissionToken: await resign(mine, otherSecret) }, sale],
      [
        "HS256 under the fan-token key",
        { ...f, admissionToken: await resign(mine, keyFor(stackSecretKey, "fan-session")) },
        sale,
      ],
      ["another fan's admission", { ...f, admissionToken: g.admissionToken }, sale],
      ["another event's admission", { ...f, admissionToken: elsewhere.admissionToken }, sale],
      ["this fan's admission at another event", f, other],
      ["an expired admission", late, short],
      ["an admission reused after its order was paid", buyer, sale],
      ["another fan's admission, from a fan the room does not know", { ...stranger, admissionToken: mine }, sale],
      ["garbage", { ...f, admissionToken: "not.a.token" }, sale],
    ];
    const answers = [];
    for (const c of cases) {
      const r = await holdOne(c);
      answers.push(`${c[0]}: ${r.status} ${r.body.error?.code ?? "ok"}`);
    }
    expect(answers).toEqual(cases.map(([name]) => `${name}: 403 admission_required`));

    // 0 holds: stock as it was, nobody but the buyer has an order, every ledger adds up.
    expect([await stockRow(sale.id), await stockRow(other.id), await stockRow(short.id)]).toEqual([
      before,
      [[10, 0, 0]],
      [[10, 0, 0]],
    ]);
    const orders = [ordersOf(f, sale.id), ordersOf(f, other.id), ordersOf(late, short.id), ordersOf(buyer, sale.id)];
    expect(await Promise.all(orders)).toEqual([0, 0, 0, 1]);
    for (const id of [sale.id, other.id, short.id]) expect(await auditOk(served.url, id, basic)).toBe(true);

    // The control: the same claims signed with the server's own admission key buy.
    const genuine = await holdOne([
      "genuine",
      { ...f, admissionToken: await resign(mine, keyFor(stackSecretKey, "admission")) },
      sale,
    ]);
    expect(genuine.status).toBe(201);
  }, 60_000);
});

// Goal: every endpoint the client calls (client/src/lib/endpoints.ts) is a route the server
// declares, as its OpenAPI document says: the same method on a path of the same shape, query
// parameters it reads, a JSON answer it describes with a schema (or a 204), and a request body
// where and only where it takes one — the client's sample body valid by the document's schema.
// The answer and body types themselves are the shared schemas' (endpoints.ts imports them), so
// they cannot drift; this holds the paths, and that a route takes a body exactly where the client
// sends one. The client's code imports no server code; this test may.
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BodyOf, Endpoint, HttpMethod } from "../src/lib/api.js";
import * as endpoints from "../src/lib/endpoints.js";
import { startTestApp, type TestApp } from "../../server/test/support/app.js";
import { json } from "../../server/test/support/services.js";

type Table = typeof endpoints;
type AnyEndpoint = Endpoint<HttpMethod, unknown, never>;
type Call<E> = { endpoint: E } & (undefined extends BodyOf<E> ? { body?: BodyOf<E> } : { body: BodyOf<E> });
/** One call of each endpoint, with a body where it sends one: the typecheck wants every endpoint here. */
type Samples = { [K in keyof Table]: Call<ReturnType<Table[K]>> };

const id = "01920000-0000-7000-8000-000000000001";
const samples: Samples = {
  session: { endpoint: endpoints.session() },
  events: { endpoint: endpoints.events() },
  event: { endpoint: endpoints.event(id) },
  queue: { endpoint: endpoints.queue(id) },
  joinQueue: { endpoint: endpoints.joinQueue(id), body: { placeToken: "p", admissionToken: "a" } },
  leaveQueue: { endpoint: endpoints.leaveQueue(id) },
  joinChallenge: { endpoint: endpoints.joinChallenge(id) },
  lottery: { endpoint: endpoints.lottery(id) },
  waitlist: { endpoint: endpoints.waitlist(id) },
  joinWaitlist: { endpoint: endpoints.joinWaitlist(id), body: {} },
  leaveWaitlist: { endpoint: endpoints.leaveWaitlist(id) },
  fairness: { endpoint: endpoints.fairness(id) },
  presale: { endpoint: endpoints.presale(id) },
  placeHold: {
    endpoint: endpoints.placeHold(id),
    body: { admissionToken: "a", items: [{ classId: "c1", quantity: 2 }], email: "fan@example.com", code: "FAN7KQ2" },
  },
  fanOrders: { endpoint: endpoints.fanOrders(id) },
  order: { endpoint: endpoints.order(id) },
  cancelOrder: { endpoint: endpoints.cancelOrder(id) },
  orderRefund: { endpoint: endpoints.orderRefund(id) },
  requestRefund: { endpoint: endpoints.requestRefund(id) },
  account: { endpoint: endpoints.account() },
  signUp: { endpoint: endpoints.signUp(), body: { email: "fan@example.com", password: "correct horse battery" } },
  signIn: { endpoint: endpoints.signIn(), body: { email: "fan@example.com", password: "correct horse battery" } },
  signOut: { endpoint: endpoints.signOut() },
  accountOrders: { endpoint: endpoints.accountOrders() },
  verifyEmail: { endpoint: endpoints.verifyEmail(), body: { token: "v".repeat(43) } },
  requestPasswordReset: { endpoint: endpoints.requestPasswordReset(), body: { email: "fan@example.com" } },
  resetPassword: {
    endpoint: endpoints.resetPassword(),
    body: { token: "r".repeat(43), password: "a new long password" },
  },
  eventResale: { endpoint: endpoints.eventResale(id) },
  createListing: { endpoint: endpoints.createListing(), body: { ticketId: id, priceCents: 4500 } },
  editListing: { endpoint: endpoints.editListing(id), body: { priceCents: 4000 } },
  withdrawListing: { endpoint: endpoints.withdrawListing(id) },
  accountListings: { endpoint: endpoints.accountListings() },
  buyListing: { endpoint: endpoints.buyListing(id), body: {} },
  resalePurchase: { endpoint: endpoints.resalePurchase(id) },
  adminMe: { endpoint: endpoints.adminMe() },
  adminLogin: { endpoint: endpoints.adminLogin(), body: { username: "admin", password: "secret" } },
  adminLogout: { endpoint: endpoints.adminLogout() },
  adminEvents: { endpoint: endpoints.adminEvents() },
  createEvent: {
    endpoint: endpoints.createEvent(),
    body: {
      name: "Night show",
      venue: "Hall",
      startsAt: null,
      status: "draft",
      classes: [{ code: "GA", name: "General", priceCents: 4500, currency: "USD", capacity: 100, perOrderMax: 4 }],
      perks: [{ code: "POSTER", name: "Poster", capacity: 10 }],
      waitingRoom: { mode: "fifo", opensAt: null, admission: "manual", admitPerMinute: 600, perFanMax: 6 },
    },
  },
  adminEvent: { endpoint: endpoints.adminEvent(id) },
  editEvent: {
    endpoint: endpoints.editEvent(id),
    body: { name: "Night show II", description: "Doors at 7", classes: [{ id, priceCents: 5000, capacity: 120 }] },
  },
  eventAudit: { endpoint: endpoints.eventAudit(id) },
  adminFairness: { endpoint: endpoints.adminFairness(id) },
  adminWaitlist: { endpoint: endpoints.adminWaitlist(id) },
  moveEvent: { endpoint: endpoints.moveEvent(id), body: { status: "on_sale" } },
  eventCancellation: { endpoint: endpoints.eventCancellation(id) },
  updateWaitingRoom: {
    endpoint: endpoints.updateWaitingRoom(id),
    body: { admission: "auto", admitPerMinuteFloor: 60, admitPerMinuteCeiling: 6000, maxActiveCheckouts: 50 },
  },
  eventSales: { endpoint: endpoints.eventSales(id) },
  eventAdmission: { endpoint: endpoints.eventAdmission(id) },
  adminOrders: { endpoint: endpoints.adminOrders(id, { q: "fan@", status: "paid" }, "c", 50) },
  refundOrder: { endpoint: endpoints.refundOrder(id) },
  adminResale: { endpoint: endpoints.adminResale(id) },
  updateResale: {
    endpoint: endpoints.updateResale(id),
    body: { enabled: true, priceCapPercent: 120, feePercent: 5, lockSeconds: 300 },
  },
  refundPolicy: { endpoint: endpoints.refundPolicy(id) },
  updateRefundPolicy: { endpoint: endpoints.updateRefundPolicy(id), body: { refundWindowHours: 48 } },
  adminPresale: { endpoint: endpoints.adminPresale(id) },
  updatePresale: { endpoint: endpoints.updatePresale(id), body: { endsAt: "2026-12-24T18:00:00Z" } },
  eventCodes: { endpoint: endpoints.eventCodes(id, id) },
  createCodes: {
    endpoint: endpoints.createCodes(id),
    body: { kind: "promo", count: 50, uses: 2, percentOff: 20, tierId: id, prefix: "SPRING" },
  },
  botDefence: { endpoint: endpoints.botDefence(id) },
  updateBotDefence: {
    endpoint: endpoints.updateBotDefence(id),
    body: { mode: "auto", difficulty: 100_000, subnetJoinsPerMinute: 300, eventJoinsPerMinute: 50_000 },
  },
  checkin: { endpoint: endpoints.checkin(), body: { code: "K7QM2-XPD9C", eventId: id } },
  benchResults: { endpoint: endpoints.benchResults() },
  benchResultFile: { endpoint: endpoints.benchResultFile("2026-11-22T00-14-15.189Z-holds.json") },
};

interface Operation {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}
type Document = { paths: Record<string, Partial<Record<Lowercase<HttpMethod>, Operation>>> };

/** The document's path templates (`/api/events/{eventId}`) a concrete path fits. */
function templatesOf(doc: Document, path: string): string[] {
  return Object.keys(doc.paths).filter((template) => {
    const pattern = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+");
    return new RegExp(`^${pattern}$`).test(path);
  });
}

/** The declared operation an endpoint calls; fails the test naming the endpoint when there is none. */
function operationOf(doc: Document, name: string, endpoint: AnyEndpoint): Operation {
  const url = new URL(endpoint.path, "http://client.invalid");
  const templates = templatesOf(doc, url.pathname);
  expect(templates, `${name}: ${endpoint.method} ${url.pathname} is no declared path`).toHaveLength(1);
  const operation = doc.paths[templates[0]!]![endpoint.method.toLowerCase() as Lowercase<HttpMethod>];
  expect(operation, `${name}: ${templates[0]} declares no ${endpoint.method}`).toBeDefined();
  return operation!;
}

let t: TestApp;
let doc: Document;
beforeAll(async () => {
  t = await startTestApp();
  doc = (await json(await fetch(`${t.url}/api/openapi.json`))) as Document;
});
afterAll(() => t.close());

describe("the client's endpoints against the server's OpenAPI document", () => {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });

  it("has a sample call of every endpoint", () => {
    expect(Object.keys(samples).sort()).toEqual(Object.keys(endpoints).sort());
  });

  const calls: Array<[string, { endpoint: AnyEndpoint; body?: unknown }]> = Object.entries(samples);
  for (const [name, sample] of calls) {
    it(`${name}: ${sample.endpoint.method} ${sample.endpoint.path.split("?")[0]}`, () => {
      const operation = operationOf(doc, name, sample.endpoint);
      const query = new URL(sample.endpoint.path, "http://client.invalid").searchParams;
      const declared = (operation.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
      for (const key of query.keys()) expect(declared, `${name}: query parameter ${key}`).toContain(key);

      const answers = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
      expect(answers.length, `${name}: no 2xx answer declared`).toBeGreaterThan(0);
      for (const [status, answer] of answers) {
        if (status === "204" || (status === "202" && answer.content === undefined)) continue; // no body: nothing to describe
        const schema = answer.content?.["application/json"]?.schema ?? {};
        expect(Object.keys(schema), `${name}: ${status} answers a body no schema describes`).not.toEqual([]);
      }

      const body = operation.requestBody?.content["application/json"]?.schema;
      if (body === undefined) {
        expect(sample.body, `${name}: the server takes no body`).toBeUndefined();
        return;
      }
      expect(sample.body, `${name}: the server takes a body`).toBeDefined();
      const validate = ajv.compile(body);
      expect(validate(sample.body) ? [] : validate.errors, `${name}: body refused`).toEqual([]);
    });
  }
});

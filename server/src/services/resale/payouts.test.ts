// Goal: the payouts runner keeps a payout pending until its provider has paid it, whatever fails:
// a provider that does not answer counts an attempt and its error, and the payout is paid by the
// next resume with the same key; a provider without payouts (Stripe) leaves it pending, marked and
// logged once, never tried again; a paid payout is not paid twice. The rows are a fake of the repo.
import { describe, expect, it } from "vitest";
import { PaymentProviderUnavailableError, type PaymentProvider } from "@stampede/shared/ports/payment-provider";
import type { PaymentProviders } from "@stampede/shared/ports/payment-providers";
import { createLogger } from "../../logger.js";
import { cannotPayOut, type PayoutRecord } from "../../adapters/postgres/resale-payouts-repo.js";
import { ResalePayouts } from "./payouts.js";

type Row = PayoutRecord & { attempts: number; lastError: string | null; paid: boolean };

function fakeRepo(rows: Row[]) {
  const find = (id: string) => rows.find((r) => r.listingId === id);
  return {
    rows,
    get: async (id: string) => find(id) ?? null,
    pending: async (limit: number) => rows.filter((r) => !r.paid && r.lastError !== cannotPayOut).slice(0, limit),
    markPaid: async (id: string, payoutId: string) => {
      const r = find(id)!;
      if (!r.paid) Object.assign(r, { paid: true, payoutId });
    },
    markFailed: async (id: string, error: string) => {
      const r = find(id)!;
      if (!r.paid) Object.assign(r, { attempts: r.attempts + 1, lastError: error });
    },
    markCannotPayOut: async (id: string) => {
      const r = find(id)!;
      if (r.paid || r.lastError === cannotPayOut) return false;
      Object.assign(r, { attempts: r.attempts + 1, lastError: cannotPayOut });
      return true;
    },
  };
}

const row = (listingId: string, provider: Row["provider"]): Row => ({
  ...{ listingId, sellerAccountId: `seller-${listingId}`, amountCents: 4_500, currency: "EUR", provider },
  ...{ payoutId: null, attempts: 0, lastError: null, paid: false },
});

const refundOnly: Pick<PaymentProvider, "createSession" | "refund"> = {
  createSession: () => Promise.reject(new Error("not used")),
  refund: () => Promise.reject(new Error("not used")),
};

function setUp(rows: Row[]) {
  const calls: string[] = [];
  let up = false;
  const mockpay: PaymentProvider = {
    ...refundOnly,
    payout: async (input) => {
      calls.push(`${input.payoutKey} ${input.amountCents} ${input.currency} ${input.recipient}`);
      if (!up) throw new PaymentProviderUnavailableError("MockPay did not answer");
      return { payoutId: `po_${input.payoutKey}` };
    },
  };
  const providers: PaymentProviders = { mockpay, stripe: refundOnly };
  const warnings: string[] = [];
  const logger = createLogger("silent", "test");
  logger.warn = ((_obj: unknown, msg: string) => void warnings.push(msg)) as typeof logger.warn;
  const repo = fakeRepo(rows);
  const payouts = new ResalePayouts({ repo, providers, logger });
  return { payouts, repo, calls, warnings, providerUp: () => void (up = true) };
}

describe("ResalePayouts", () => {
  it("leaves a failed payout pending with its error; a resume pays it with the same key, once", async () => {
    const t = setUp([row("l1", "mockpay")]);
    await t.payouts.run("l1");
    expect(t.repo.rows[0]).toMatchObject({
      paid: false,
      attempts: 1,
      lastError: expect.stringMatching(/did not answer/),
    });
    expect(await t.payouts.resumePending(10, 0)).toBe(0);
    expect(t.repo.rows[0]!.attempts).toBe(2);
    t.providerUp();
    expect(await t.payouts.resumePending(10, 0)).toBe(1);
    expect(t.repo.rows[0]).toMatchObject({ paid: true, payoutId: "po_l1", attempts: 2 });
    await t.payouts.run("l1");
    expect(await t.payouts.resumePending(10, 0)).toBe(0);
    expect(t.calls).toEqual(Array(3).fill("l1 4500 EUR seller-l1"));
  });

  it("leaves a payout its provider cannot make pending, marked and logged once, and never tries it again", async () => {
    const t = setUp([row("s1", "stripe"), row("m1", "mockpay")]);
    t.providerUp();
    await t.payouts.run("s1");
    await t.payouts.run("s1");
    expect(t.repo.rows[0]).toMatchObject({ paid: false, attempts: 1, lastError: cannotPayOut });
    expect(t.warnings.filter((w) => /cannot pay out/.test(w))).toHaveLength(1);
    expect(await t.payouts.resumePending(10, 0)).toBe(1);
    expect(t.repo.rows.map((r) => r.paid)).toEqual([false, true]);
    expect(t.calls).toEqual(["m1 4500 EUR seller-m1"]);
  });

  it("does nothing for a listing without a payout, and never throws from run", async () => {
    const t = setUp([]);
    await expect(t.payouts.run("missing")).resolves.toBeUndefined();
    t.repo.get = () => Promise.reject(new Error("database down"));
    await expect(t.payouts.run("missing")).resolves.toBeUndefined();
    expect(t.warnings).toEqual(["resale payout not recorded; resumed later"]);
  });
});

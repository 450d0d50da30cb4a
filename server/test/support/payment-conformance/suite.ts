// The one payment provider conformance suite: the PaymentProvider and PaymentWebhooks promises, run
// against every provider the shop can take payments through. A factory gives the provider under
// test (its servers, its client, its webhook parser, a receiver for its deliveries); every case
// makes its own orders, so one provider serves the whole suite.
import { afterAll, afterEach, beforeAll, describe } from "vitest";
import { deliveryCases } from "./delivery-cases.js";
import type { ProviderFactory, ProviderUnderTest } from "./driver.js";
import { refundCases } from "./refund-cases.js";
import { sessionCases } from "./session-cases.js";

export type { ProviderFactory, ProviderUnderTest } from "./driver.js";

export function paymentConformanceSuite(name: string, factory: ProviderFactory): void {
  describe(name, () => {
    let under: ProviderUnderTest | undefined;
    beforeAll(async () => {
      under = await factory();
    });
    afterAll(async () => {
      await under?.close();
    });
    afterEach(() => {
      if (under) under.receiver.gate = async () => 200;
    });
    const get = () => {
      if (under === undefined) throw new Error("provider under test not ready");
      return under;
    };
    describe("sessions and outcomes", () => sessionCases(get));
    describe("refunds", () => refundCases(get));
    describe("deliveries", () => deliveryCases(get));
  });
}

// The one ledger conformance suite: TigerBeetle's semantics and result codes, run against every
// backend of the Ledger port (and the in-memory reference model). A factory gives the backend;
// every test makes its own ledger number and ids, so one backend serves the whole suite.
import { afterAll, beforeAll, describe } from "vitest";
import { accountCases } from "./accounts.js";
import { chainCases } from "./chains.js";
import type { LedgerFactory, LedgerUnderTest } from "./harness.js";
import { transferCases } from "./transfers.js";
import { twoPhaseCases } from "./two-phase.js";

export type { LedgerFactory, LedgerUnderTest } from "./harness.js";

export function ledgerConformanceSuite(name: string, factory: LedgerFactory, options: { skip?: boolean } = {}): void {
  describe.skipIf(options.skip === true)(name, () => {
    let under: LedgerUnderTest | undefined;
    beforeAll(async () => {
      under = await factory();
    });
    afterAll(async () => {
      await under?.close();
    });
    const ledger = () => {
      if (under === undefined) throw new Error("ledger under test not ready");
      return under.ledger;
    };
    describe("accounts", () => accountCases(ledger));
    describe("transfers", () => transferCases(ledger));
    describe("two-phase", () => twoPhaseCases(ledger));
    describe("linked chains", () => chainCases(ledger));
  });
}

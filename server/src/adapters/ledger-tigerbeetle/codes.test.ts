// Goal: the shared ledger types say exactly what tigerbeetle-node 0.17 says — every status name
// and number, every flag, amount_max — so TigerBeetle results pass through unmapped; and the
// adapter keeps its deadline when no cluster answers (the client itself would retry forever).
import { describe, expect, it } from "vitest";
import * as tb from "tigerbeetle-node";
import { LedgerUnavailableError } from "@stampede/shared/ledger/port";
import {
  AccountFlags,
  CreateAccountStatus,
  CreateTransferStatus,
  TransferFlags,
  amountMax,
} from "@stampede/shared/ledger/types";
import { closedPort } from "../../../test/support/services.js";
import { createTigerBeetleLedger } from "./ledger.js";

/** A TypeScript numeric enum as {name: value}, without its reverse mappings. */
function enumEntries(e: object): Record<string, number> {
  return Object.fromEntries(Object.entries(e).filter(([, v]) => typeof v === "number")) as Record<string, number>;
}

describe("shared ledger types mirror tigerbeetle-node", () => {
  it("has every transfer and account status with the same number", () => {
    expect(CreateTransferStatus).toEqual(enumEntries(tb.CreateTransferStatus));
    expect(CreateAccountStatus).toEqual(enumEntries(tb.CreateAccountStatus));
  });

  it("has the same flags and amount_max", () => {
    expect(TransferFlags).toEqual(enumEntries(tb.TransferFlags));
    expect(AccountFlags).toEqual(enumEntries(tb.AccountFlags));
    expect(amountMax).toBe(tb.amount_max);
  });
});

describe("TigerBeetle adapter without a cluster", () => {
  it("answers LedgerUnavailableError within its deadline", async () => {
    const port = await closedPort();
    const ledger = createTigerBeetleLedger({ address: `127.0.0.1:${port}`, clusterId: 0n, callTimeoutMs: 300 });
    const started = Date.now();
    await expect(ledger.lookupAccounts([1n])).rejects.toBeInstanceOf(LedgerUnavailableError);
    expect(Date.now() - started).toBeLessThan(1_500);
    await ledger.close();
  });
});

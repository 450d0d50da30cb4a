// Goal: every Ledger backend gives TigerBeetle's answers — the same result codes, chains,
// two-phase transfers, expiry and idempotency — by running the one conformance suite against:
// the PostgreSQL ledger through its auto-batcher and without it (always, on a database of its
// own), the in-memory reference model (the oracle the property tests trust), and TigerBeetle
// itself when TB_ADDRESS names a running cluster (otherwise that run is skipped, loudly).
import { afterAll, beforeAll } from "vitest";
import { createLedgerModel } from "../../../shared/test/ledger-model.js";
import { createLedger } from "./ledger.js";
import { ledgerConformanceSuite } from "../../test/support/ledger-conformance/suite.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/services.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

ledgerConformanceSuite("PostgreSQL ledger (auto-batcher)", async () => {
  const ledger = createLedger("postgres", { databaseUrl: db.url });
  return { ledger, close: () => ledger.close() };
});

ledgerConformanceSuite("PostgreSQL ledger (one call per request)", async () => {
  const ledger = createLedger("postgres", { databaseUrl: db.url, batching: false });
  return { ledger, close: () => ledger.close() };
});

ledgerConformanceSuite("reference model (in memory)", async () => {
  const ledger = createLedgerModel();
  return { ledger, close: () => ledger.close() };
});

// The TigerBeetle run needs a cluster (none can be installed here). Without TB_ADDRESS it is
// skipped — reported as skipped, never as passed.
const tbAddress = process.env.TB_ADDRESS;
if (tbAddress === undefined || tbAddress === "") {
  console.warn("ledger conformance: TB_ADDRESS is not set — the TigerBeetle run did NOT happen (skipped, not passed).");
}
ledgerConformanceSuite(
  "TigerBeetle",
  async () => {
    const ledger = createLedger("tigerbeetle", {
      address: tbAddress ?? "",
      clusterId: BigInt(process.env.TB_CLUSTER_ID ?? "0"),
    });
    return { ledger, close: () => ledger.close() };
  },
  { skip: tbAddress === undefined || tbAddress === "" },
);

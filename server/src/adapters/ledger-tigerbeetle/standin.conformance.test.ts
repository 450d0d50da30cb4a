// Goal: the TigerBeetle adapter itself — its deadlines, its shared session, its field-by-field
// results — passes the whole ledger conformance suite without a cluster: on the stand-in client
// (test/support/tigerbeetle-standin.ts, the reference model behind tigerbeetle-node's Client
// interface, answering with the real client's extra fields). This checks the adapter, not
// TigerBeetle: the run against a real cluster is ledger.conformance.test.ts with TB_ADDRESS set.
import { ledgerConformanceSuite } from "../../../test/support/ledger-conformance/suite.js";
import { createTigerBeetleStandIn } from "../../../test/support/tigerbeetle-standin.js";
import { createTigerBeetleLedger } from "./ledger.js";

ledgerConformanceSuite("TigerBeetle adapter on the stand-in client", async () => {
  const standIn = createTigerBeetleStandIn({ undeclaredFields: { surplus: 0 } });
  const ledger = createTigerBeetleLedger({
    address: "127.0.0.1:3000",
    clusterId: 0n,
    createClient: standIn.createClient,
    log: () => {},
  });
  return { ledger, close: () => ledger.close() };
});

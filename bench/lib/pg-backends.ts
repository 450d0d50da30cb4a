// Which application each PostgreSQL backend of a database serves (the pools set application_name),
// so the CPU split can tell the payment provider's statements from the shop's.
import { createPool } from "@stampede/server/adapters/postgres/pool";

/** pid → "postgresql (mockpay)" for MockPay's backends; the others keep the plain kind. */
export async function postgresKinds(databaseUrl: string): Promise<Map<number, string>> {
  const pool = createPool(databaseUrl, { max: 1, applicationName: "stampede-bench" });
  try {
    const { rows } = await pool.query<{ pid: number; application_name: string }>(
      "SELECT pid, application_name FROM pg_stat_activity WHERE datname = current_database()",
    );
    return new Map(
      rows.filter((r) => r.application_name === "stampede-mockpay").map((r) => [r.pid, "postgresql (mockpay)"]),
    );
  } finally {
    await pool.end();
  }
}

// Goal: a batch PostgreSQL did not finish within its statement timeout fails every caller at once
// as "database not answering" (503) — it is not re-sent row by row to a database that just timed
// out. A batch that failed because of one bad row is re-sent row by row, and only that row fails.
import { afterAll, describe, expect, it } from "vitest";
import { dependencyUnavailable } from "../dependency-errors.js";
import { testPostgresBase } from "../../../test/support/services.js";
import { pgBatched } from "./batched.js";
import { createPool } from "./pool.js";
import { SqlState } from "./sqlstate.js";

const pool = createPool(testPostgresBase, { statementTimeoutMs: 100 });
afterAll(() => pool.end());

const settled = (calls: Array<Promise<unknown>>) =>
  Promise.allSettled(calls).then((all) =>
    all.map((s) => (s.status === "fulfilled" ? s.value : (s.reason as { code?: string }).code)),
  );

describe("pgBatched", () => {
  it("a batch past the statement timeout fails each caller as unavailable, sent once", async () => {
    const sent: number[][] = [];
    const batched = pgBatched(async (items: number[]) => {
      sent.push(items);
      await pool.query("SELECT pg_sleep(30)");
      return items;
    });
    const answers = await settled([batched(1), batched(2), batched(3)]);
    expect(answers).toEqual([SqlState.queryCanceled, SqlState.queryCanceled, SqlState.queryCanceled]);
    expect(sent).toEqual([[1, 2, 3]]);
    expect(dependencyUnavailable(Object.assign(new Error("timeout"), { code: answers[0] }))).toBe("postgres");
    batched.close();
  });

  it("a batch with one bad row is re-sent row by row: only that caller fails", async () => {
    const sent: number[][] = [];
    const batched = pgBatched(async (items: number[]) => {
      sent.push(items);
      const { rows } = await pool.query<{ q: number }>("SELECT 12 / x AS q FROM unnest($1::int[]) x", [items]);
      return rows.map((r) => r.q);
    });
    expect(await settled([batched(1), batched(0), batched(4)])).toEqual([12, "22012", 3]);
    expect(sent).toEqual([[1, 0, 4], [1], [0], [4]]);
    batched.close();
  });
});

-- Up Migration
-- Hold expiry, bounded per call. Until now every ledger_create_transfers call first marked EVERY
-- due hold expired (one UPDATE, no limit) under the ledger pool's statement_timeout. After a mass
-- expiry — tens of thousands of holds of one on-sale timing out together — that UPDATE could
-- outlast the timeout; the batch rolled back, undoing it, and every later batch retried the same
-- work: the ledger was stuck. Now a call marks at most ledger_expired_per_call_max() due holds,
-- the oldest first, and the rest wait for later calls (or ledger_expire_due, housekeeping).
--
-- What stays exact. The stored balances keep their meaning: an account's *_pending is the sum of
-- its holds still marked pending (pending_status = 1), due or not. Everything that reads a balance
-- subtracts the due ones not marked yet, so it sees the ledger as of now:
-- - ledger_create_transfers corrects each account it touches, works on the corrected balances,
--   and writes back "corrected + still unmarked". A post or void of a due hold answers
--   pending_transfer_expired whether it is marked or not.
-- - ledger_lookup_accounts corrects the same way (it summed every due hold before: also unbounded).
-- - lookup_transfers reads stored rows, which carry no pending status: nothing changes there.
--
-- How the correction stays bounded. In a flash sale every hold debits the SAME tier budget
-- account, so "expire (or sum) the due holds of the accounts touched" is as unbounded as before.
-- Instead ledger_expiring keeps, per account, the amount of its holds still marked pending summed
-- by the millisecond they expire in, kept up to date by statement triggers on ledger_transfers.
-- An account's due-but-unmarked amount at a cutoff is then its rows for the milliseconds before
-- the cutoff's (one row per millisecond of backlog, not per hold: a batch's holds share a
-- millisecond) plus the holds expiring in the cutoff's own millisecond up to the cutoff, read one
-- by one from the due index (only the holds expiring within that millisecond). A sum over every
-- due hold read from the due index was the simpler choice and stays exact, but it reads every row
-- of the backlog on each call (measured: about 0.3 s per call and 1 s per lookup at 100,000 due
-- holds) — bounded only by the backlog, which is the thing that must not decide a call's cost.
-- With ledger_expiring the same backlog costs about 10-20 ms per lookup and 50 ms per call
-- (nearly all of it the bounded marking). The price: each statement that places or ends holds
-- upserts one ledger_expiring row per account and millisecond of expiry (measured on batches of
-- 2,000 holds for 1,000 fans: within noise, at most ~20% more time). Rows to sum grow with the
-- milliseconds a backlog spans on one account, never with its holds; marking eats them from the
-- oldest end.
--
-- TigerBeetle expires in bounded pulses too; its answers (post/void of an expired hold,
-- available stock) are what this ledger gives, limit or not.

-- Batches wait while this migration runs (the clock row is every batch's first lock, held to its
-- commit): each one either committed before ledger_expiring is filled below, or writes only once
-- the triggers that keep it are in place (a process still on 0010's function included).
SELECT 1 FROM ledger_clock FOR UPDATE;

-- Due holds marked expired per call: small next to a batch (marking is a row write each), yet
-- far faster than holds can be placed, so a backlog drains within a few calls.
CREATE FUNCTION ledger_expired_per_call_max() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 2000 $$;

-- Per account and millisecond of expiry (expires_at / 1e6): the amounts of its holds still marked
-- pending, on the debit and the credit side. A row goes when both reach zero.
CREATE TABLE ledger_expiring (
  account_id uuid NOT NULL,
  ms         bigint NOT NULL,
  debits     numeric(39,0) NOT NULL,
  credits    numeric(39,0) NOT NULL,
  PRIMARY KEY (account_id, ms)
) WITH (fillfactor = 50); -- a hot account's row changes every batch: keep its updates HOT
INSERT INTO ledger_expiring
SELECT u.id, u.ms, sum(u.dp), sum(u.cp) FROM (
  SELECT debit_account_id AS id, expires_at / 1000000 AS ms, amount AS dp, 0 AS cp FROM ledger_transfers
  WHERE pending_status = 1 AND expires_at IS NOT NULL
  UNION ALL
  SELECT credit_account_id, expires_at / 1000000, 0, amount FROM ledger_transfers
  WHERE pending_status = 1 AND expires_at IS NOT NULL) u
GROUP BY u.id, u.ms;

-- Adds signed amounts of holds (their accounts and expiry times) to ledger_expiring: + for holds
-- placed, − for holds posted, voided or marked expired. Holds without a timeout are skipped.
-- Called by the triggers below, under the clock lock that every writer of the ledger holds.
CREATE FUNCTION ledger_expiring_add(p_debit uuid[], p_credit uuid[], p_amount numeric[], p_expires bigint[])
RETURNS void
LANGUAGE plpgsql
SET jit = off
SET enable_seqscan = off
SET enable_nestloop = off
AS $$
DECLARE
  negative integer; z_id uuid[]; z_ms bigint[];
BEGIN
  WITH d AS (
    SELECT u.id, u.ms, sum(u.dp) AS dp, sum(u.cp) AS cp FROM (
      SELECT x.dr AS id, x.ex / 1000000 AS ms, x.amt AS dp, 0 AS cp
      FROM unnest(p_debit, p_credit, p_amount, p_expires) x(dr, cr, amt, ex) WHERE x.ex IS NOT NULL
      UNION ALL
      SELECT x.cr, x.ex / 1000000, 0, x.amt
      FROM unnest(p_debit, p_credit, p_amount, p_expires) x(dr, cr, amt, ex) WHERE x.ex IS NOT NULL) u
    GROUP BY u.id, u.ms
  ),
  up AS (
    INSERT INTO ledger_expiring AS e SELECT d.id, d.ms, d.dp, d.cp FROM d ORDER BY d.id, d.ms
    ON CONFLICT (account_id, ms) DO UPDATE SET debits = e.debits + excluded.debits, credits = e.credits + excluded.credits
    RETURNING e.account_id, e.ms, e.debits, e.credits
  )
  SELECT count(*) FILTER (WHERE up.debits < 0 OR up.credits < 0),
         coalesce(array_agg(up.account_id) FILTER (WHERE up.debits = 0 AND up.credits = 0), '{}'),
         coalesce(array_agg(up.ms) FILTER (WHERE up.debits = 0 AND up.credits = 0), '{}')
  INTO negative, z_id, z_ms FROM up;
  IF negative > 0 THEN
    RAISE EXCEPTION 'ledger: ledger_expiring went negative: it no longer matches the pending holds';
  END IF;
  DELETE FROM ledger_expiring e USING unnest(z_id, z_ms) z(id, ms)
  WHERE e.account_id = ANY (z_id) AND e.account_id = z.id AND e.ms = z.ms AND e.debits = 0 AND e.credits = 0;
END $$;

-- ledger_expiring follows ledger_transfers through statement triggers (one set-based write per
-- statement, as the balances get): whatever code writes the transfers keeps it right — also a
-- process still running 0010's function while another has migrated (a rolling start).
CREATE FUNCTION ledger_expiring_placed() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
  dr uuid[]; cr uuid[]; amt numeric[]; ex bigint[];
BEGIN
  SELECT array_agg(n.debit_account_id), array_agg(n.credit_account_id), array_agg(n.amount), array_agg(n.expires_at)
  INTO dr, cr, amt, ex
  FROM placed n WHERE n.pending_status = 1 AND n.expires_at IS NOT NULL;
  IF dr IS NOT NULL THEN PERFORM ledger_expiring_add(dr, cr, amt, ex); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_transfers_placed AFTER INSERT ON ledger_transfers
  REFERENCING NEW TABLE AS placed FOR EACH STATEMENT EXECUTE FUNCTION ledger_expiring_placed();

-- A hold leaves pending (posted, voided, marked expired): its amount leaves ledger_expiring.
CREATE FUNCTION ledger_expiring_ended() RETURNS trigger
LANGUAGE plpgsql
SET enable_nestloop = off
AS $$
DECLARE
  dr uuid[]; cr uuid[]; amt numeric[]; ex bigint[];
BEGIN
  SELECT array_agg(o.debit_account_id), array_agg(o.credit_account_id),
         array_agg(CASE WHEN o.pending_status = 1 THEN -o.amount ELSE o.amount END), array_agg(o.expires_at)
  INTO dr, cr, amt, ex
  FROM before_rows o JOIN after_rows n ON n.id = o.id
  WHERE (o.pending_status = 1) <> (n.pending_status = 1) AND o.expires_at IS NOT NULL;
  IF dr IS NOT NULL THEN PERFORM ledger_expiring_add(dr, cr, amt, ex); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_transfers_ended AFTER UPDATE ON ledger_transfers
  REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_expiring_ended();

-- Per account of p_ids with any: the amounts of its holds still marked pending yet due by
-- p_cutoff. Whole milliseconds from ledger_expiring, the cutoff's own one hold by hold.
CREATE FUNCTION ledger_due_unmarked(p_ids uuid[], p_cutoff bigint)
RETURNS TABLE (id uuid, dp numeric, cp numeric)
LANGUAGE sql STABLE
SET jit = off
SET enable_seqscan = off
SET enable_nestloop = off
AS $$
  WITH edge AS (
    SELECT t.debit_account_id, t.credit_account_id, t.amount FROM ledger_transfers t
    WHERE t.pending_status = 1 AND t.expires_at >= p_cutoff / 1000000 * 1000000 AND t.expires_at <= p_cutoff
  )
  SELECT u.id, sum(u.dp), sum(u.cp) FROM (
    SELECT e.account_id AS id, e.debits AS dp, e.credits AS cp FROM ledger_expiring e
    WHERE e.account_id = ANY (p_ids) AND e.ms < p_cutoff / 1000000
    UNION ALL SELECT edge.debit_account_id, edge.amount, 0 FROM edge WHERE edge.debit_account_id = ANY (p_ids)
    UNION ALL SELECT edge.credit_account_id, 0, edge.amount FROM edge WHERE edge.credit_account_id = ANY (p_ids)
  ) u
  GROUP BY u.id
$$;

-- Reads see the ledger as of now: a pending transfer past its timeout counts as expired even
-- before it is marked (as in 0003, with the bounded correction above).
CREATE OR REPLACE FUNCTION ledger_lookup_accounts(p_ids uuid[])
RETURNS TABLE (id uuid, debits_pending numeric, debits_posted numeric, credits_pending numeric,
               credits_posted numeric, user_data_128 uuid, user_data_64 numeric, user_data_32 bigint,
               ledger bigint, code integer, flags integer, "timestamp" bigint)
LANGUAGE sql STABLE AS $$
  WITH now AS (SELECT greatest(last_timestamp, ledger_now_ns()) AS ns FROM ledger_clock),
  due AS (SELECT d.* FROM now, ledger_due_unmarked(p_ids, now.ns) d)
  SELECT a.id, a.debits_pending - coalesce(due.dp, 0), a.debits_posted,
         a.credits_pending - coalesce(due.cp, 0), a.credits_posted, a.user_data_128, a.user_data_64,
         a.user_data_32, a.ledger, a.code, a.flags, a.timestamp
  FROM unnest(p_ids) WITH ORDINALITY AS r(id, ord)
  JOIN ledger_accounts a ON a.id = r.id
  LEFT JOIN due ON due.id = a.id
  ORDER BY r.ord
$$;

-- Marks up to p_limit holds due by p_cutoff expired, the oldest first (the trigger takes them out
-- of ledger_expiring); returns how many, and by how much each of their accounts' pending balances
-- must go down. The caller holds the clock lock and locks and writes the accounts.
CREATE FUNCTION ledger_mark_expired(p_cutoff bigint, p_limit integer,
  OUT marked integer, OUT ids uuid[], OUT dps numeric[], OUT cps numeric[])
LANGUAGE plpgsql
SET jit = off
SET enable_seqscan = off
SET enable_nestloop = off
AS $$
DECLARE
  m_dr uuid[]; m_cr uuid[]; m_amt numeric[];
BEGIN
  WITH due AS (
    UPDATE ledger_transfers t SET pending_status = 4
    WHERE t.id = ANY (ARRAY(SELECT d.id FROM ledger_transfers d
                            WHERE d.pending_status = 1 AND d.expires_at <= p_cutoff
                            ORDER BY d.expires_at LIMIT p_limit))
      AND t.pending_status = 1
    RETURNING t.debit_account_id, t.credit_account_id, t.amount
  )
  SELECT coalesce(array_agg(due.debit_account_id), '{}'), coalesce(array_agg(due.credit_account_id), '{}'),
         coalesce(array_agg(due.amount), '{}')
  INTO m_dr, m_cr, m_amt FROM due;
  marked := cardinality(m_dr);
  IF marked = 0 THEN ids := '{}'; dps := '{}'; cps := '{}'; RETURN; END IF;
  SELECT array_agg(m.id ORDER BY m.id), array_agg(m.dp ORDER BY m.id), array_agg(m.cp ORDER BY m.id)
  INTO ids, dps, cps
  FROM (SELECT u.id, sum(u.dp) AS dp, sum(u.cp) AS cp FROM (
          SELECT x.dr AS id, x.amt AS dp, 0 AS cp FROM unnest(m_dr, m_amt) x(dr, amt)
          UNION ALL SELECT x.cr, 0, x.amt FROM unnest(m_cr, m_amt) x(cr, amt)) u
        GROUP BY u.id) m;
END $$;

-- Housekeeping: marks up to p_limit due holds expired and writes their accounts; returns how
-- many it marked (fewer than p_limit: none is left). Nothing needs it to be right — batches mark
-- a chunk each and every read corrects for the rest — but it drains a backlog while no batch runs.
CREATE FUNCTION ledger_expire_due(p_limit integer) RETURNS integer
LANGUAGE plpgsql
SET jit = off
SET enable_seqscan = off
SET enable_nestloop = off
AS $$
DECLARE
  now_ns bigint;
  m record;
BEGIN
  now_ns := ledger_tick(0); -- the clock lock first, as every batch takes it
  SELECT * INTO m FROM ledger_mark_expired(now_ns, p_limit);
  -- Accounts in id order, as batches lock them.
  PERFORM 1 FROM ledger_accounts a WHERE a.id = ANY (m.ids) ORDER BY a.id FOR UPDATE;
  UPDATE ledger_accounts a
  SET debits_pending = a.debits_pending - u.dp, credits_pending = a.credits_pending - u.cp
  FROM unnest(m.ids, m.dps, m.cps) u(id, dp, cp)
  WHERE a.id = ANY (m.ids) AND a.id = u.id;
  RETURN m.marked;
END $$;

-- ledger_create_transfers as in 0010, but bounded in its expiry work (see above): it marks at
-- most ledger_expired_per_call_max() due holds and corrects the accounts it touches for the rest.
CREATE OR REPLACE FUNCTION ledger_create_transfers(
  p_id uuid[], p_debit uuid[], p_credit uuid[], p_amount numeric[], p_pending uuid[],
  p_ud128 uuid[], p_ud64 numeric[], p_ud32 bigint[], p_timeout bigint[], p_ledger bigint[],
  p_code integer[], p_flags integer[], p_timestamp bigint[],
  OUT statuses integer[], OUT timestamps bigint[])
LANGUAGE plpgsql
-- A batch touches a few rows of tables that only grow: every table access must be an index
-- scan (a scan that tests each row against a batch-sized id list costs rows × batch), and every
-- join a hash or merge join (a nested loop over two batch-sized lists costs batch²). With both
-- ruled out, the cached generic plans are as good as fresh ones and each call skips planning.
-- Joins go in the order written. No JIT: the planner's row guesses for joined arrays are huge,
-- which would make it spend a second compiling what runs in milliseconds.
SET jit = off
SET enable_seqscan = off
SET enable_nestloop = off
SET join_collapse_limit = 1
AS $$
DECLARE
  z CONSTANT uuid := '00000000-0000-0000-0000-000000000000';
  u128max CONSTANT numeric := 340282366920938463463374607431768211455;
  n integer := coalesce(cardinality(p_id), 0);
  t0 bigint;
  e record;
  -- The accounts the batch touches, by index; balances as of now (due holds expired). a_udp and
  -- a_ucp: how much of a_dp and a_cp is due but not marked yet (added back when written).
  a_id uuid[]; a_ledger bigint[]; a_flags integer[];
  a_dp numeric[]; a_dpo numeric[]; a_cp numeric[]; a_cpo numeric[]; a_udp numeric[]; a_ucp numeric[];
  -- Holds due by the end of the batch count as expired; some are marked now (mk), the rest of the
  -- touched accounts' are summed (un_).
  due_ns bigint; mk record; touched uuid[];
  un_id uuid[] := '{}'; un_dp numeric[] := '{}'; un_cp numeric[] := '{}';
  -- No sum of two balances and an amount can pass 2^128 unless one of them is past 2^126: until
  -- an amount or a balance the batch touches gets there, events skip the overflow checks.
  -- Balances grow event by event, so this is re-read after each event that moved one.
  overflow_watch CONSTANT numeric := 2::numeric ^ 126;
  may_overflow boolean;
  -- Per event: what it became (r_kind: 0 nothing, 1 pending, 2 posted, 3 posted a pending one,
  -- 4 voided one) and its resolved fields; the last earlier event with its id (r_prev) or with
  -- its pending id as id (r_pref), the first event naming its pending id (r_fref); pending
  -- statuses changed in this batch (r_pstat for pending transfers made in it, db_pstat at
  -- r_fref for stored ones).
  r_kind smallint[]; r_failed boolean[]; r_prev integer[]; r_pref integer[]; r_fref integer[];
  r_pj integer[]; r_pstat smallint[]; db_pstat smallint[];
  r_debit uuid[]; r_credit uuid[]; r_amount numeric[]; r_ud128 uuid[]; r_ud64 numeric[];
  r_ud32 bigint[]; r_ledger bigint[]; r_code integer[]; r_dri integer[]; r_cri integer[];
  r_pamount numeric[];
  i integer; j integer; k integer; st integer; fl integer; xj integer; pj integer;
  amt numeric; ps smallint; linked boolean; failed_before boolean;
  chain integer := 0; broken boolean := false;
  -- The pending transfer a post/void names (q_) and a transfer made earlier in the batch with
  -- the same id (x_).
  q_found boolean; q_flags integer; q_debit uuid; q_credit uuid; q_amount numeric; q_ud128 uuid;
  q_ud64 numeric; q_ud32 bigint; q_ledger bigint; q_code integer; q_dri integer; q_cri integer;
  q_status smallint; q_expires bigint;
  x_flags integer; x_pending uuid; x_timeout bigint; x_debit uuid; x_credit uuid; x_amount numeric;
  x_ud128 uuid; x_ud64 numeric; x_ud32 bigint; x_ledger bigint; x_code integer;
BEGIN
  IF n = 0 THEN statuses := '{}'; timestamps := '{}'; RETURN; END IF;
  IF EXISTS (SELECT 1 FROM unnest(p_flags) f WHERE (f & 496) <> 0) THEN
    RAISE EXCEPTION 'ledger: balancing, closing and imported transfers are not supported';
  END IF;
  t0 := ledger_tick(n);
  due_ns := t0 + n;

  -- Mark the oldest holds due by the end of this batch expired, a bounded number.
  SELECT * INTO mk FROM ledger_mark_expired(due_ns, ledger_expired_per_call_max());

  -- Every account the batch touches: its events', the pending transfers' it names, the marked holds'.
  touched := ARRAY(
    SELECT DISTINCT x FROM unnest(p_debit || p_credit || mk.ids || ARRAY(
      SELECT unnest(ARRAY[t.debit_account_id, t.credit_account_id]) FROM ledger_transfers t
      WHERE t.id = ANY (ARRAY(SELECT DISTINCT u FROM unnest(p_pending) u WHERE u <> z)))) x
    ORDER BY x);

  -- The limit reached: due holds may be left unmarked. The touched accounts' balances must not
  -- count them as pending (a bounded read: see ledger_due_unmarked).
  IF mk.marked >= ledger_expired_per_call_max() THEN
    SELECT coalesce(array_agg(d.id), '{}'), coalesce(array_agg(d.dp), '{}'), coalesce(array_agg(d.cp), '{}')
    INTO un_id, un_dp, un_cp
    FROM ledger_due_unmarked(touched, due_ns) d;
  END IF;

  -- Load every account the batch touches, locking them in id order as they are read.
  SELECT coalesce(array_agg(l.id ORDER BY l.id), '{}'), coalesce(array_agg(l.ledger ORDER BY l.id), '{}'),
         coalesce(array_agg(l.flags ORDER BY l.id), '{}'), coalesce(array_agg(l.dp ORDER BY l.id), '{}'),
         coalesce(array_agg(l.dpo ORDER BY l.id), '{}'), coalesce(array_agg(l.cp ORDER BY l.id), '{}'),
         coalesce(array_agg(l.cpo ORDER BY l.id), '{}'),
         coalesce(array_agg(l.udp ORDER BY l.id), '{}'), coalesce(array_agg(l.ucp ORDER BY l.id), '{}'),
         coalesce(max(greatest(l.dp, l.dpo, l.cp, l.cpo)), 0) >= overflow_watch
  INTO a_id, a_ledger, a_flags, a_dp, a_dpo, a_cp, a_cpo, a_udp, a_ucp, may_overflow
  FROM (
    SELECT a.id, a.ledger, a.flags, a.debits_pending - coalesce(m.dp, 0) - coalesce(un.dp, 0) AS dp,
           a.debits_posted AS dpo, a.credits_pending - coalesce(m.cp, 0) - coalesce(un.cp, 0) AS cp,
           a.credits_posted AS cpo, coalesce(un.dp, 0) AS udp, coalesce(un.cp, 0) AS ucp
    FROM ledger_accounts a
    LEFT JOIN unnest(mk.ids, mk.dps, mk.cps) m(id, dp, cp) ON m.id = a.id
    LEFT JOIN unnest(un_id, un_dp, un_cp) un(id, dp, cp) ON un.id = a.id
    WHERE a.id = ANY (touched)
    ORDER BY a.id
    FOR UPDATE OF a
  ) l;
  -- (A post's amount_max means "the pending amount": it never adds to a balance as such.)
  may_overflow := may_overflow OR coalesce((SELECT max(u.x) >= overflow_watch FROM unnest(p_amount, p_flags) u(x, f)
                                            WHERE (u.f & 12) = 0), false);

  r_kind := array_fill(0::smallint, ARRAY[n]); r_failed := array_fill(false, ARRAY[n]);
  r_prev := array_fill(0, ARRAY[n]); r_pref := array_fill(0, ARRAY[n]); r_fref := array_fill(0, ARRAY[n]);
  r_pj := array_fill(0, ARRAY[n]); r_pstat := array_fill(0::smallint, ARRAY[n]); db_pstat := array_fill(0::smallint, ARRAY[n]);
  r_debit := p_debit; r_credit := p_credit; r_amount := p_amount; r_ud128 := p_ud128;
  r_ud64 := p_ud64; r_ud32 := p_ud32; r_ledger := p_ledger; r_code := p_code;
  r_dri := array_fill(0, ARRAY[n]); r_cri := array_fill(0, ARRAY[n]); r_pamount := array_fill(0::numeric, ARRAY[n]);
  statuses := array_fill(0, ARRAY[n]);
  timestamps := ARRAY(SELECT t0 + g FROM generate_series(1, n) g); -- exists answers the first one

  -- Events that name an earlier event of the same batch (a repeated id, a pending transfer made
  -- in the batch, a pending id named twice): rare, found with three hash self-joins.
  FOR e IN
    WITH ev AS MATERIALIZED (SELECT * FROM unnest(p_id, p_pending) WITH ORDINALITY AS ev(id, pid, ord))
    SELECT l.ord, max(l.other) FILTER (WHERE l.kind = 1) AS prev, max(l.other) FILTER (WHERE l.kind = 2) AS pref,
           min(l.other) FILTER (WHERE l.kind = 3) AS fref
    FROM (SELECT a.ord, 1 AS kind, b.ord AS other FROM ev a JOIN ev b ON b.id = a.id AND b.ord < a.ord
          UNION ALL
          SELECT a.ord, 2, b.ord FROM ev a JOIN ev b ON b.id = a.pid AND b.ord < a.ord WHERE a.pid <> z
          UNION ALL
          SELECT a.ord, 3, b.ord FROM ev a JOIN ev b ON b.pid = a.pid AND b.ord < a.ord WHERE a.pid <> z) l
    GROUP BY l.ord
  LOOP
    r_prev[e.ord] := coalesce(e.prev, 0); r_pref[e.ord] := coalesce(e.pref, 0); r_fref[e.ord] := coalesce(e.fref, 0);
  END LOOP;

  FOR e IN
    -- fast: a new transfer that passes every check but the balance ones (nearly every hold).
    SELECT m.*, m.s1 = 0 AND m.s2 = 0 AND m.x_status = 0 AND NOT m.failed AND (m.flags & 12) = 0
           AND NOT (m.timeout_overflows AND (m.flags & 2) <> 0) AS fast
    FROM (
        SELECT ev.ord, ev.flags, ev.amount, ev.dflags, ev.cflags, coalesce(ev.dai, 0)::integer AS dri,
               coalesce(ev.cai, 0)::integer AS cri,
               CASE WHEN ev.ts <> 0 THEN 3 WHEN (ev.flags & ~511) <> 0 THEN 4 WHEN ev.id = z THEN 5
                    WHEN ev.id = 'ffffffff-ffff-ffff-ffff-ffffffffffff' THEN 6 ELSE 0 END AS s1,
               CASE WHEN (ev.flags & 12) <> 0 THEN
                 CASE WHEN (ev.flags & 12) = 12 OR (ev.flags & 2) <> 0 THEN 7 WHEN ev.pid = z THEN 14
                      WHEN ev.pid = 'ffffffff-ffff-ffff-ffff-ffffffffffff' THEN 15 WHEN ev.pid = ev.id THEN 16
                      WHEN ev.timeout <> 0 THEN 17 ELSE 0 END
               ELSE
                 CASE WHEN ev.dr = z THEN 8 WHEN ev.dr = 'ffffffff-ffff-ffff-ffff-ffffffffffff' THEN 9
                      WHEN ev.cr = z THEN 10 WHEN ev.cr = 'ffffffff-ffff-ffff-ffff-ffffffffffff' THEN 11
                      WHEN ev.dr = ev.cr THEN 12 WHEN ev.pid <> z THEN 13
                      WHEN (ev.flags & 2) = 0 AND ev.timeout <> 0 THEN 17 WHEN ev.ledger = 0 THEN 19
                      WHEN ev.code = 0 THEN 20 WHEN ev.dai IS NULL THEN 21 WHEN ev.cai IS NULL THEN 22
                      WHEN ev.dledger <> ev.cledger THEN 23 WHEN ev.ledger <> ev.dledger THEN 24 ELSE 0 END
               END AS s2,
               -- A stored transfer with this id: exists, or the first field that differs (a post/void's
               -- zero fields stand for its pending transfer's, which is stored too).
               CASE WHEN x.id IS NULL THEN 0
                    WHEN ev.flags <> x.flags THEN 36 WHEN ev.pid <> x.pending_id THEN 40
                    WHEN ev.timeout <> x.timeout THEN 44
                    WHEN (ev.flags & 12) = 0 THEN
                      CASE WHEN ev.dr <> x.debit_account_id THEN 37 WHEN ev.cr <> x.credit_account_id THEN 38
                           WHEN ev.amount <> x.amount THEN 39 WHEN ev.ud128 <> x.user_data_128 THEN 41
                           WHEN ev.ud64 <> x.user_data_64 THEN 42 WHEN ev.ud32 <> x.user_data_32 THEN 43
                           WHEN ev.ledger <> x.ledger THEN 67 WHEN ev.code <> x.code THEN 45 ELSE 46 END
                    ELSE
                      CASE WHEN ev.dr <> z AND ev.dr <> x.debit_account_id THEN 37
                           WHEN ev.cr <> z AND ev.cr <> x.credit_account_id THEN 38
                           WHEN CASE WHEN ev.amount = CASE WHEN (ev.flags & 4) <> 0 THEN u128max ELSE 0 END
                                     THEN q.amount ELSE ev.amount END <> x.amount THEN 39
                           WHEN CASE WHEN ev.ud128 = z THEN q.user_data_128 ELSE ev.ud128 END <> x.user_data_128 THEN 41
                           WHEN CASE WHEN ev.ud64 = 0 THEN q.user_data_64 ELSE ev.ud64 END <> x.user_data_64 THEN 42
                           WHEN CASE WHEN ev.ud32 = 0 THEN q.user_data_32 ELSE ev.ud32 END <> x.user_data_32 THEN 43
                           WHEN ev.ledger <> 0 AND ev.ledger <> x.ledger THEN 67
                           WHEN ev.code <> 0 AND ev.code <> x.code THEN 45 ELSE 46 END
               END AS x_status,
               x.timestamp AS x_ts, f.id IS NOT NULL AS failed,
               t0 + ev.ord > 9223372036854775807 - ev.timeout * 1000000000 AS timeout_overflows,
               q.id IS NOT NULL AS q_found, q.flags AS q_flags, q.debit_account_id AS q_debit,
               q.credit_account_id AS q_credit, q.amount AS q_amount, q.user_data_128 AS q_ud128,
               q.user_data_64 AS q_ud64, q.user_data_32 AS q_ud32, q.ledger AS q_ledger, q.code AS q_code,
               -- (Due by the end of the batch is expired, marked or not.)
               CASE WHEN q.pending_status = 1 AND q.expires_at <= due_ns THEN 4::smallint
                    ELSE q.pending_status END AS q_status, q.expires_at AS q_expires,
               coalesce(qd.ai, 0)::integer AS q_dri, coalesce(qc.ai, 0)::integer AS q_cri
        FROM (
          -- Events with their accounts' indexes; OFFSET 0 keeps this a unit the probes below run on.
          SELECT ev.*, d.ai AS dai, d.ledger AS dledger, d.flags AS dflags, c.ai AS cai, c.ledger AS cledger, c.flags AS cflags
          FROM unnest(p_id, p_debit, p_credit, p_amount, p_pending, p_ud128, p_ud64, p_ud32, p_timeout, p_ledger,
                      p_code, p_flags, p_timestamp)
               WITH ORDINALITY AS ev(id, dr, cr, amount, pid, ud128, ud64, ud32, timeout, ledger, code, flags, ts, ord)
          LEFT JOIN unnest(a_id, a_ledger, a_flags) WITH ORDINALITY d(id, ledger, flags, ai) ON d.id = ev.dr
          LEFT JOIN unnest(a_id, a_ledger, a_flags) WITH ORDINALITY c(id, ledger, flags, ai) ON c.id = ev.cr
          OFFSET 0
        ) ev
        -- (= ANY: one index scan fetches every stored transfer the batch names; OFFSET 0 keeps the
        -- planner from turning it into a scan of the whole, ever-growing table.)
        LEFT JOIN (SELECT * FROM ledger_transfers WHERE id = ANY (p_id) OFFSET 0) x ON x.id = ev.id
        LEFT JOIN (SELECT id FROM ledger_failed_transfers WHERE id = ANY (p_id) OFFSET 0) f ON f.id = ev.id
        LEFT JOIN (SELECT * FROM ledger_transfers
                   WHERE id = ANY (ARRAY(SELECT DISTINCT u FROM unnest(p_pending) u WHERE u <> z)) OFFSET 0) q
               ON q.id = ev.pid AND (ev.flags & 12) <> 0
        LEFT JOIN unnest(a_id) WITH ORDINALITY qd(id, ai) ON qd.id = q.debit_account_id
        LEFT JOIN unnest(a_id) WITH ORDINALITY qc(id, ai) ON qc.id = q.credit_account_id
    ) m
    ORDER BY m.ord
  LOOP
    i := e.ord; fl := e.flags;
    linked := (fl & 1) <> 0;
    IF linked AND chain = 0 THEN chain := i; END IF;
    IF e.fast AND NOT may_overflow AND r_prev[i] = 0 AND NOT broken AND NOT (linked AND i = n) THEN
      -- Only the balances decide (the same steps as the last branch below, fewer statements).
      j := e.dri; k := e.cri; amt := e.amount;
      IF (e.dflags & 2) <> 0 AND a_dp[j] + a_dpo[j] + amt > a_cpo[j] THEN st := 54;
      ELSIF (e.cflags & 4) <> 0 AND a_cp[k] + a_cpo[k] + amt > a_dpo[k] THEN st := 55;
      ELSIF (fl & 2) <> 0 THEN
        st := 0; r_kind[i] := 1; r_pstat[i] := 1; r_dri[i] := j; r_cri[i] := k;
        a_dp[j] := a_dp[j] + amt; a_cp[k] := a_cp[k] + amt;
      ELSE
        st := 0; r_kind[i] := 2; r_dri[i] := j; r_cri[i] := k;
        a_dpo[j] := a_dpo[j] + amt; a_cpo[k] := a_cpo[k] + amt;
      END IF;
    ELSIF linked AND i = n THEN st := 2;
    ELSIF broken THEN st := 1;
    ELSIF e.s1 <> 0 THEN st := e.s1;
    ELSE
      -- Did an earlier event of this batch make (or transiently fail) this id?
      xj := 0; failed_before := e.failed; j := r_prev[i];
      WHILE j > 0 LOOP
        IF r_kind[j] > 0 THEN xj := j; EXIT; END IF;
        failed_before := failed_before OR r_failed[j];
        j := r_prev[j];
      END LOOP;
      IF (fl & 12) <> 0 THEN -- the pending transfer named: made earlier in this batch, or stored
        pj := 0; j := r_pref[i];
        WHILE j > 0 LOOP
          IF r_kind[j] > 0 THEN pj := j; EXIT; END IF;
          j := r_prev[j];
        END LOOP;
        IF r_fref[i] = 0 THEN r_fref[i] := i; END IF;
        q_found := pj > 0 OR e.q_found;
        IF pj > 0 THEN
          q_flags := p_flags[pj]; q_debit := r_debit[pj]; q_credit := r_credit[pj]; q_amount := r_amount[pj];
          q_ud128 := r_ud128[pj]; q_ud64 := r_ud64[pj]; q_ud32 := r_ud32[pj]; q_ledger := r_ledger[pj];
          q_code := r_code[pj]; q_dri := r_dri[pj]; q_cri := r_cri[pj]; q_status := r_pstat[pj];
          q_expires := CASE WHEN p_timeout[pj] > 0 THEN t0 + pj + p_timeout[pj] * 1000000000 END;
        ELSIF e.q_found THEN
          q_flags := e.q_flags; q_debit := e.q_debit; q_credit := e.q_credit; q_amount := e.q_amount;
          q_ud128 := e.q_ud128; q_ud64 := e.q_ud64; q_ud32 := e.q_ud32; q_ledger := e.q_ledger;
          q_code := e.q_code; q_dri := e.q_dri; q_cri := e.q_cri; q_expires := e.q_expires;
          q_status := CASE WHEN db_pstat[r_fref[i]] <> 0 THEN db_pstat[r_fref[i]] ELSE e.q_status END;
        END IF;
      END IF;
      IF e.x_status <> 0 THEN -- stored: same body (exists) or not (exists_with_different_*)
        st := e.x_status;
        IF st = 46 THEN timestamps[i] := e.x_ts; END IF;
      ELSIF xj > 0 THEN -- made earlier in this batch: compare with what that event stored
        x_flags := p_flags[xj]; x_pending := p_pending[xj]; x_timeout := p_timeout[xj];
        x_debit := r_debit[xj]; x_credit := r_credit[xj]; x_amount := r_amount[xj]; x_ud128 := r_ud128[xj];
        x_ud64 := r_ud64[xj]; x_ud32 := r_ud32[xj]; x_ledger := r_ledger[xj]; x_code := r_code[xj];
        st := CASE WHEN fl <> x_flags THEN 36 WHEN p_pending[i] <> x_pending THEN 40
                   WHEN p_timeout[i] <> x_timeout THEN 44
                   WHEN (fl & 12) = 0 THEN
                     CASE WHEN p_debit[i] <> x_debit THEN 37 WHEN p_credit[i] <> x_credit THEN 38
                          WHEN p_amount[i] <> x_amount THEN 39 WHEN p_ud128[i] <> x_ud128 THEN 41
                          WHEN p_ud64[i] <> x_ud64 THEN 42 WHEN p_ud32[i] <> x_ud32 THEN 43
                          WHEN p_ledger[i] <> x_ledger THEN 67 WHEN p_code[i] <> x_code THEN 45 ELSE 46 END
                   ELSE -- a post/void's zero fields stand for the pending transfer's
                     CASE WHEN p_debit[i] <> z AND p_debit[i] <> x_debit THEN 37
                          WHEN p_credit[i] <> z AND p_credit[i] <> x_credit THEN 38
                          WHEN CASE WHEN p_amount[i] = CASE WHEN (fl & 4) <> 0 THEN u128max ELSE 0 END
                                    THEN q_amount ELSE p_amount[i] END <> x_amount THEN 39
                          WHEN CASE WHEN p_ud128[i] = z THEN q_ud128 ELSE p_ud128[i] END <> x_ud128 THEN 41
                          WHEN CASE WHEN p_ud64[i] = 0 THEN q_ud64 ELSE p_ud64[i] END <> x_ud64 THEN 42
                          WHEN CASE WHEN p_ud32[i] = 0 THEN q_ud32 ELSE p_ud32[i] END <> x_ud32 THEN 43
                          WHEN p_ledger[i] <> 0 AND p_ledger[i] <> x_ledger THEN 67
                          WHEN p_code[i] <> 0 AND p_code[i] <> x_code THEN 45 ELSE 46 END
              END;
        IF st = 46 THEN timestamps[i] := t0 + xj; END IF;
      ELSIF failed_before THEN st := 68;
      ELSIF e.s2 <> 0 THEN st := e.s2;
      ELSIF (fl & 12) <> 0 THEN -- post or void a pending transfer
        IF NOT q_found THEN st := 25;
        ELSIF (q_flags & 2) = 0 THEN st := 26;
        ELSIF p_debit[i] <> z AND p_debit[i] <> q_debit THEN st := 27;
        ELSIF p_credit[i] <> z AND p_credit[i] <> q_credit THEN st := 28;
        ELSIF p_ledger[i] <> 0 AND p_ledger[i] <> q_ledger THEN st := 29;
        ELSIF p_code[i] <> 0 AND p_code[i] <> q_code THEN st := 30;
        ELSE
          amt := CASE WHEN (fl & 4) <> 0 THEN CASE WHEN p_amount[i] = u128max THEN q_amount ELSE p_amount[i] END
                      WHEN p_amount[i] > 0 THEN p_amount[i] ELSE q_amount END;
          st := CASE WHEN amt > q_amount THEN 31 WHEN (fl & 8) <> 0 AND amt < q_amount THEN 32
                     WHEN q_status = 2 THEN 33 WHEN q_status = 3 THEN 34
                     WHEN q_status = 4 OR q_expires <= t0 + i THEN 35 ELSE 0 END;
          IF st = 0 THEN
            ps := CASE WHEN (fl & 4) <> 0 THEN 2 ELSE 3 END;
            IF pj > 0 THEN r_pstat[pj] := ps; ELSE db_pstat[r_fref[i]] := ps; END IF;
            r_pj[i] := pj;
            a_dp[q_dri] := a_dp[q_dri] - q_amount; a_cp[q_cri] := a_cp[q_cri] - q_amount;
            IF ps = 2 THEN
              a_dpo[q_dri] := a_dpo[q_dri] + amt; a_cpo[q_cri] := a_cpo[q_cri] + amt; r_kind[i] := 3;
            ELSE
              r_kind[i] := 4;
            END IF;
            r_debit[i] := q_debit; r_credit[i] := q_credit; r_amount[i] := amt; r_pamount[i] := q_amount;
            IF p_ud128[i] = z THEN r_ud128[i] := q_ud128; END IF;
            IF p_ud64[i] = 0 THEN r_ud64[i] := q_ud64; END IF;
            IF p_ud32[i] = 0 THEN r_ud32[i] := q_ud32; END IF;
            r_ledger[i] := q_ledger; r_code[i] := q_code; r_dri[i] := q_dri; r_cri[i] := q_cri;
          END IF;
        END IF;
      ELSE -- a new pending or posted transfer
        j := e.dri; k := e.cri; amt := p_amount[i];
        IF may_overflow AND (amt + a_dp[j] + a_dpo[j] > u128max OR amt + a_cp[k] + a_cpo[k] > u128max) THEN
          st := CASE WHEN (fl & 2) <> 0 AND amt + a_dp[j] > u128max THEN 47
                     WHEN (fl & 2) <> 0 AND amt + a_cp[k] > u128max THEN 48
                     WHEN amt + a_dpo[j] > u128max THEN 49 WHEN amt + a_cpo[k] > u128max THEN 50
                     WHEN amt + a_dp[j] + a_dpo[j] > u128max THEN 51 ELSE 52 END;
        ELSIF (fl & 2) <> 0 AND e.timeout_overflows THEN st := 53;
        ELSIF (a_flags[j] & 2) <> 0 AND a_dp[j] + a_dpo[j] + amt > a_cpo[j] THEN st := 54;
        ELSIF (a_flags[k] & 4) <> 0 AND a_cp[k] + a_cpo[k] + amt > a_dpo[k] THEN st := 55;
        ELSIF (fl & 2) <> 0 THEN
          st := 0; r_kind[i] := 1; r_pstat[i] := 1; r_dri[i] := j; r_cri[i] := k;
          a_dp[j] := a_dp[j] + amt; a_cp[k] := a_cp[k] + amt;
        ELSE
          st := 0; r_kind[i] := 2; r_dri[i] := j; r_cri[i] := k;
          a_dpo[j] := a_dpo[j] + amt; a_cpo[k] := a_cpo[k] + amt;
        END IF;
      END IF;
    END IF;

    IF st <> 0 THEN
      IF chain > 0 AND NOT broken THEN
        broken := true; -- roll the chain back, newest first: its earlier events fail with it
        FOR j IN REVERSE i - 1 .. chain LOOP
          k := r_kind[j];
          IF k = 1 THEN
            a_dp[r_dri[j]] := a_dp[r_dri[j]] - r_amount[j]; a_cp[r_cri[j]] := a_cp[r_cri[j]] - r_amount[j];
          ELSIF k = 2 THEN
            a_dpo[r_dri[j]] := a_dpo[r_dri[j]] - r_amount[j]; a_cpo[r_cri[j]] := a_cpo[r_cri[j]] - r_amount[j];
          ELSIF k >= 3 THEN
            a_dp[r_dri[j]] := a_dp[r_dri[j]] + r_pamount[j]; a_cp[r_cri[j]] := a_cp[r_cri[j]] + r_pamount[j];
            IF k = 3 THEN
              a_dpo[r_dri[j]] := a_dpo[r_dri[j]] - r_amount[j]; a_cpo[r_cri[j]] := a_cpo[r_cri[j]] - r_amount[j];
            END IF;
            IF r_pj[j] > 0 THEN r_pstat[r_pj[j]] := 1; ELSE db_pstat[r_fref[j]] := 1; END IF;
          END IF;
          r_kind[j] := 0; statuses[j] := 1;
        END LOOP;
      END IF;
      -- Transient failures (the same request could succeed later) fail their id for good.
      IF st IN (21, 22, 25, 54, 55) THEN r_failed[i] := true; END IF;
    END IF;
    statuses[i] := st;
    IF st = 0 AND r_kind[i] > 0 AND NOT may_overflow
       AND greatest(a_dp[r_dri[i]], a_dpo[r_dri[i]], a_cp[r_cri[i]], a_cpo[r_cri[i]]) >= overflow_watch THEN
      may_overflow := true;
    END IF;
    IF chain > 0 AND (NOT linked OR st = 2) THEN chain := 0; broken := false; END IF;
  END LOOP;

  INSERT INTO ledger_transfers
  SELECT v.id, v.debit, v.credit, v.amount, v.pending, v.ud128, v.ud64, v.ud32, v.timeout, v.ledger,
         v.code, v.flags, t0 + v.ord, CASE WHEN v.kind = 1 THEN v.pstat ELSE 0 END,
         CASE WHEN v.kind = 1 AND v.timeout > 0 THEN t0 + v.ord + v.timeout * 1000000000 END
  FROM unnest(p_id, r_debit, r_credit, r_amount, p_pending, r_ud128, r_ud64, r_ud32, p_timeout,
              r_ledger, r_code, p_flags, r_kind, r_pstat)
       WITH ORDINALITY v(id, debit, credit, amount, pending, ud128, ud64, ud32, timeout, ledger, code, flags, kind, pstat, ord)
  WHERE v.kind > 0;

  -- (Every statement below names its rows with = ANY (ids): index probes, never a table scan.)
  UPDATE ledger_transfers t SET pending_status = u.ps
  FROM unnest(p_pending, db_pstat) u(id, ps)
  WHERE t.id = ANY (ARRAY(SELECT c.id FROM unnest(p_pending, db_pstat) c(id, ps) WHERE c.ps <> 0))
    AND t.id = u.id AND u.ps <> 0 AND t.pending_status <> u.ps;

  -- Write each changed account once (all locked since they were read). Due holds not marked yet
  -- stay in the stored pending balances, as their rows still say pending.
  UPDATE ledger_accounts a
  SET debits_pending = u.dp, debits_posted = u.dpo, credits_pending = u.cp, credits_posted = u.cpo
  FROM (SELECT v.id, v.dp + v.udp AS dp, v.dpo, v.cp + v.ucp AS cp, v.cpo
        FROM unnest(a_id, a_dp, a_dpo, a_cp, a_cpo, a_udp, a_ucp) v(id, dp, dpo, cp, cpo, udp, ucp)) u
  WHERE a.id = ANY (a_id) AND a.id = u.id
    AND (a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted)
        IS DISTINCT FROM (u.dp, u.dpo, u.cp, u.cpo);

  INSERT INTO ledger_failed_transfers
  SELECT u.id FROM unnest(p_id, r_failed) u(id, f) WHERE u.f ON CONFLICT DO NOTHING;
END $$;

-- Down Migration
-- Nothing: 0010's ledger_create_transfers is the one with the defect; going down keeps this one,
-- and with it the functions it calls.

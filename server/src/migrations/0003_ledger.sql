-- Up Migration
-- The PostgreSQL ledger: TigerBeetle's accounts and transfers with TigerBeetle's semantics.
-- u128 ids are uuid (16 bytes, same order as the numbers), u128 amounts numeric(39,0),
-- timestamps bigint nanoseconds. Each request is ONE call of a function below: one round trip,
-- one transaction. Batches run one at a time (the clock row is locked first, as TigerBeetle's
-- single-threaded state machine would), then every account a batch touches is locked in id
-- order. A batch works in memory and writes set-based at the end, so a hot account is updated
-- once per batch however many transfers it takes.

-- The last timestamp handed out: timestamps rise strictly, in commit order.
CREATE TABLE ledger_clock (
  singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_timestamp bigint NOT NULL
);
INSERT INTO ledger_clock VALUES (true, 0);

CREATE TABLE ledger_accounts (
  id              uuid PRIMARY KEY,
  debits_pending  numeric(39,0) NOT NULL,
  debits_posted   numeric(39,0) NOT NULL,
  credits_pending numeric(39,0) NOT NULL,
  credits_posted  numeric(39,0) NOT NULL,
  user_data_128   uuid NOT NULL,
  user_data_64    numeric(20,0) NOT NULL,
  user_data_32    bigint NOT NULL,
  ledger          bigint NOT NULL,
  code            integer NOT NULL,
  flags           integer NOT NULL,
  timestamp       bigint NOT NULL
) WITH (fillfactor = 50); -- room on the page keeps a hot account's updates HOT (no index churn)

CREATE TABLE ledger_transfers (
  id                uuid PRIMARY KEY,
  debit_account_id  uuid NOT NULL,
  credit_account_id uuid NOT NULL,
  amount            numeric(39,0) NOT NULL,
  pending_id        uuid NOT NULL,
  user_data_128     uuid NOT NULL,
  user_data_64      numeric(20,0) NOT NULL,
  user_data_32      bigint NOT NULL,
  timeout           bigint NOT NULL,
  ledger            bigint NOT NULL,
  code              integer NOT NULL,
  flags             integer NOT NULL,
  timestamp         bigint NOT NULL,
  -- Pending transfers only: 1 pending, 2 posted, 3 voided, 4 expired (0 otherwise).
  pending_status    smallint NOT NULL,
  expires_at        bigint -- timestamp + timeout, for pending transfers with a timeout
);
CREATE INDEX ledger_transfers_due ON ledger_transfers (expires_at) WHERE pending_status = 1;

-- Ids of transfers that failed with a transient status: they answer id_already_failed forever.
CREATE TABLE ledger_failed_transfers (id uuid PRIMARY KEY);

CREATE FUNCTION ledger_now_ns() RETURNS bigint LANGUAGE sql VOLATILE AS
$$ SELECT (extract(epoch FROM clock_timestamp()) * 1000000000)::bigint $$;

-- Reserves n timestamps (t0+1 .. t0+n) and serializes batches; returns t0.
CREATE FUNCTION ledger_tick(n integer) RETURNS bigint LANGUAGE sql AS $$
  UPDATE ledger_clock SET last_timestamp = greatest(last_timestamp, ledger_now_ns()) + n
  RETURNING last_timestamp - n
$$;

-- Reads see the ledger as of now: a pending transfer past its timeout counts as expired even
-- before a batch has written that down.
CREATE FUNCTION ledger_lookup_accounts(p_ids uuid[])
RETURNS TABLE (id uuid, debits_pending numeric, debits_posted numeric, credits_pending numeric,
               credits_posted numeric, user_data_128 uuid, user_data_64 numeric, user_data_32 bigint,
               ledger bigint, code integer, flags integer, "timestamp" bigint)
LANGUAGE sql STABLE AS $$
  WITH now AS (SELECT greatest(last_timestamp, ledger_now_ns()) AS ns FROM ledger_clock),
  due AS (
    SELECT t.debit_account_id, t.credit_account_id, t.amount FROM ledger_transfers t, now
    WHERE t.pending_status = 1 AND t.expires_at <= now.ns
  ),
  dr AS (SELECT debit_account_id AS id, sum(amount) AS s FROM due GROUP BY 1),
  cr AS (SELECT credit_account_id AS id, sum(amount) AS s FROM due GROUP BY 1)
  SELECT a.id, a.debits_pending - coalesce(dr.s, 0), a.debits_posted,
         a.credits_pending - coalesce(cr.s, 0), a.credits_posted, a.user_data_128, a.user_data_64,
         a.user_data_32, a.ledger, a.code, a.flags, a.timestamp
  FROM unnest(p_ids) WITH ORDINALITY AS r(id, ord)
  JOIN ledger_accounts a ON a.id = r.id
  LEFT JOIN dr ON dr.id = a.id
  LEFT JOIN cr ON cr.id = a.id
  ORDER BY r.ord
$$;

-- create_accounts. Status codes are TigerBeetle's CreateAccountStatus values, except `created`,
-- which is 0 here (the caller maps it to TigerBeetle's 0xFFFFFFFF, which integer cannot hold).
CREATE FUNCTION ledger_create_accounts(
  p_id uuid[], p_dp numeric[], p_dpo numeric[], p_cp numeric[], p_cpo numeric[], p_ud128 uuid[],
  p_ud64 numeric[], p_ud32 bigint[], p_reserved integer[], p_ledger bigint[], p_code integer[],
  p_flags integer[], p_timestamp bigint[], OUT statuses integer[], OUT timestamps bigint[])
LANGUAGE plpgsql AS $$
DECLARE
  n integer := coalesce(cardinality(p_id), 0);
  t0 bigint;
  g_id uuid[]; g_db boolean[]; g_flags integer[]; g_ud128 uuid[]; g_ud64 numeric[]; g_ud32 bigint[];
  g_ledger bigint[]; g_code integer[]; g_ts bigint[]; g_ev integer[]; e_g integer[];
  ok boolean[] := array_fill(false, ARRAY[n]);
  i integer; j integer; g integer; ev integer; st integer; fl integer;
  chain integer := 0; broken boolean := false; linked boolean;
  x_flags integer; x_ud128 uuid; x_ud64 numeric; x_ud32 bigint; x_ledger bigint; x_code integer; x_ts bigint;
BEGIN
  IF n = 0 THEN statuses := '{}'; timestamps := '{}'; RETURN; END IF;
  IF EXISTS (SELECT 1 FROM unnest(p_flags) f WHERE (f & 48) <> 0) THEN
    RAISE EXCEPTION 'ledger: imported/closed accounts are not supported';
  END IF;
  t0 := ledger_tick(n);
  WITH g AS (SELECT DISTINCT x AS id FROM unnest(p_id) x)
  SELECT array_agg(g.id ORDER BY g.id), array_agg(a.id IS NOT NULL ORDER BY g.id),
         array_agg(a.flags ORDER BY g.id), array_agg(a.user_data_128 ORDER BY g.id),
         array_agg(a.user_data_64 ORDER BY g.id), array_agg(a.user_data_32 ORDER BY g.id),
         array_agg(a.ledger ORDER BY g.id), array_agg(a.code ORDER BY g.id),
         array_agg(a.timestamp ORDER BY g.id), array_agg(0 ORDER BY g.id)
  INTO g_id, g_db, g_flags, g_ud128, g_ud64, g_ud32, g_ledger, g_code, g_ts, g_ev
  FROM g LEFT JOIN ledger_accounts a ON a.id = g.id;
  SELECT array_agg(gg.gi ORDER BY e.ord) INTO e_g
  FROM unnest(p_id) WITH ORDINALITY e(id, ord)
  JOIN unnest(g_id) WITH ORDINALITY gg(id, gi) ON gg.id = e.id;
  statuses := array_fill(0, ARRAY[n]);
  timestamps := array_fill(0::bigint, ARRAY[n]);

  FOR i IN 1..n LOOP
    fl := p_flags[i];
    linked := (fl & 1) <> 0;
    IF linked AND chain = 0 THEN chain := i; END IF;
    g := e_g[i];
    ev := g_ev[g];
    timestamps[i] := t0 + i;
    IF linked AND i = n THEN st := 2;
    ELSIF broken THEN st := 1;
    ELSIF p_timestamp[i] <> 0 THEN st := 3;
    ELSIF p_reserved[i] <> 0 THEN st := 4;
    ELSIF (fl & ~63) <> 0 THEN st := 5;
    ELSIF p_id[i] = '00000000-0000-0000-0000-000000000000' THEN st := 6;
    ELSIF p_id[i] = 'ffffffff-ffff-ffff-ffff-ffffffffffff' THEN st := 7;
    ELSIF ev > 0 OR g_db[g] THEN
      IF ev > 0 THEN
        x_flags := p_flags[ev]; x_ud128 := p_ud128[ev]; x_ud64 := p_ud64[ev]; x_ud32 := p_ud32[ev];
        x_ledger := p_ledger[ev]; x_code := p_code[ev]; x_ts := t0 + ev;
      ELSE
        x_flags := g_flags[g]; x_ud128 := g_ud128[g]; x_ud64 := g_ud64[g]; x_ud32 := g_ud32[g];
        x_ledger := g_ledger[g]; x_code := g_code[g]; x_ts := g_ts[g];
      END IF;
      st := CASE WHEN fl <> x_flags THEN 15 WHEN p_ud128[i] <> x_ud128 THEN 16
                 WHEN p_ud64[i] <> x_ud64 THEN 17 WHEN p_ud32[i] <> x_ud32 THEN 18
                 WHEN p_ledger[i] <> x_ledger THEN 19 WHEN p_code[i] <> x_code THEN 20 ELSE 21 END;
      IF st = 21 THEN timestamps[i] := x_ts; END IF;
    ELSIF (fl & 6) = 6 THEN st := 8;
    ELSIF p_dp[i] <> 0 THEN st := 9;
    ELSIF p_dpo[i] <> 0 THEN st := 10;
    ELSIF p_cp[i] <> 0 THEN st := 11;
    ELSIF p_cpo[i] <> 0 THEN st := 12;
    ELSIF p_ledger[i] = 0 THEN st := 13;
    ELSIF p_code[i] = 0 THEN st := 14;
    ELSE
      st := 0; -- created
      g_ev[g] := i;
      ok[i] := true;
    END IF;
    IF st <> 0 AND chain > 0 AND NOT broken THEN
      broken := true; -- roll the chain back: its earlier events fail with it
      FOR j IN chain..i - 1 LOOP
        g_ev[e_g[j]] := 0; ok[j] := false; statuses[j] := 1;
      END LOOP;
    END IF;
    statuses[i] := st;
    IF chain > 0 AND (NOT linked OR st = 2) THEN chain := 0; broken := false; END IF;
  END LOOP;

  INSERT INTO ledger_accounts
  SELECT e.id, 0, 0, 0, 0, e.ud128, e.ud64, e.ud32, e.ledger, e.code, e.flags, t0 + e.ord
  FROM unnest(p_id, p_ud128, p_ud64, p_ud32, p_ledger, p_code, p_flags, ok)
       WITH ORDINALITY e(id, ud128, ud64, ud32, ledger, code, flags, ok, ord)
  WHERE e.ok;
END $$;

-- create_transfers. Status codes are TigerBeetle's CreateTransferStatus values (created = 0
-- here, as for accounts). The checks run in the order of TigerBeetle's state machine
-- (create_transfer, post_or_void_pending_transfer, create_transfer_exists): first the ones that
-- depend only on the request and the accounts, computed set-based; then, event by event in
-- memory, the ones that depend on what came before (ids, balances, pending transfers).
CREATE FUNCTION ledger_create_transfers(
  p_id uuid[], p_debit uuid[], p_credit uuid[], p_amount numeric[], p_pending uuid[],
  p_ud128 uuid[], p_ud64 numeric[], p_ud32 bigint[], p_timeout bigint[], p_ledger bigint[],
  p_code integer[], p_flags integer[], p_timestamp bigint[],
  OUT statuses integer[], OUT timestamps bigint[])
LANGUAGE plpgsql AS $$
DECLARE
  z CONSTANT uuid := '00000000-0000-0000-0000-000000000000';
  u128max CONSTANT numeric := 340282366920938463463374607431768211455;
  n integer := coalesce(cardinality(p_id), 0);
  t0 bigint; tl bigint; ts bigint; rts bigint;
  -- Accounts the batch touches (by index), balances as of now (due pending transfers expired).
  a_id uuid[]; a_ledger bigint[]; a_flags integer[];
  a_dp numeric[]; a_dpo numeric[]; a_cp numeric[]; a_cpo numeric[];
  -- "Groups": every transfer id the batch names (its ids and pending ids), as stored before it.
  g_id uuid[]; g_db boolean[]; g_failed boolean[]; g_failed0 boolean[]; g_ev integer[];
  g_debit uuid[]; g_credit uuid[]; g_amount numeric[]; g_pending uuid[]; g_ud128 uuid[];
  g_ud64 numeric[]; g_ud32 bigint[]; g_timeout bigint[]; g_ledger bigint[]; g_code integer[];
  g_flags integer[]; g_ts bigint[]; g_expires bigint[]; g_dri integer[]; g_cri integer[];
  g_pstatus smallint[]; g_pstatus0 smallint[];
  -- Per event: static check results, account and group indexes, and what the event became.
  s1 integer[]; s2 integer[]; s3 integer[]; e_dri integer[]; e_cri integer[]; e_g integer[]; e_pg integer[];
  r_kind smallint[]; -- 0 nothing, 1 pending, 2 posted, 3 posted a pending one, 4 voided one
  r_debit uuid[]; r_credit uuid[]; r_amount numeric[]; r_ud128 uuid[]; r_ud64 numeric[];
  r_ud32 bigint[]; r_ledger bigint[]; r_code integer[]; r_dri integer[]; r_cri integer[];
  r_pamount numeric[];
  i integer; j integer; k integer; g integer; pg integer; ev integer; pev integer; st integer;
  fl integer; dri integer; cri integer; ps smallint; amt numeric;
  chain integer := 0; broken boolean := false; linked boolean;
  -- The pending transfer a post/void names (q_) and the transfer an id already names (x_).
  q_found boolean; q_flags integer; q_debit uuid; q_credit uuid; q_amount numeric; q_ud128 uuid;
  q_ud64 numeric; q_ud32 bigint; q_ledger bigint; q_code integer; q_dri integer; q_cri integer;
  q_expires bigint;
  x_flags integer; x_pending uuid; x_timeout bigint; x_debit uuid; x_credit uuid; x_amount numeric;
  x_ud128 uuid; x_ud64 numeric; x_ud32 bigint; x_ledger bigint; x_code integer; x_ts bigint;
BEGIN
  IF n = 0 THEN statuses := '{}'; timestamps := '{}'; RETURN; END IF;
  IF EXISTS (SELECT 1 FROM unnest(p_flags) f WHERE (f & 496) <> 0) THEN
    RAISE EXCEPTION 'ledger: balancing, closing and imported transfers are not supported';
  END IF;
  t0 := ledger_tick(n);
  tl := t0 + n;

  -- Lock every account the batch may touch, in id order.
  PERFORM 1 FROM ledger_accounts a WHERE a.id IN (
      SELECT unnest(p_debit) UNION SELECT unnest(p_credit)
      UNION SELECT t.debit_account_id FROM ledger_transfers t WHERE t.id = ANY (p_pending)
      UNION SELECT t.credit_account_id FROM ledger_transfers t WHERE t.id = ANY (p_pending)
      UNION SELECT t.debit_account_id FROM ledger_transfers t WHERE t.pending_status = 1 AND t.expires_at <= tl
      UNION SELECT t.credit_account_id FROM ledger_transfers t WHERE t.pending_status = 1 AND t.expires_at <= tl)
    ORDER BY a.id FOR UPDATE;

  -- Expire what is due by the end of this batch, and load the accounts net of it.
  WITH due AS (
    UPDATE ledger_transfers t SET pending_status = 4
    WHERE t.pending_status = 1 AND t.expires_at <= tl
    RETURNING t.debit_account_id, t.credit_account_id, t.amount
  ), moved AS (
    SELECT m.id, sum(m.dp) AS dp, sum(m.cp) AS cp FROM (
      SELECT debit_account_id AS id, amount AS dp, 0 AS cp FROM due
      UNION ALL SELECT credit_account_id, 0, amount FROM due) m
    GROUP BY m.id
  ), wanted AS (
    SELECT unnest(p_debit) AS id UNION SELECT unnest(p_credit)
    UNION SELECT t.debit_account_id FROM ledger_transfers t WHERE t.id = ANY (p_pending)
    UNION SELECT t.credit_account_id FROM ledger_transfers t WHERE t.id = ANY (p_pending)
    UNION SELECT moved.id FROM moved
  )
  SELECT coalesce(array_agg(a.id ORDER BY a.id), '{}'), coalesce(array_agg(a.ledger ORDER BY a.id), '{}'),
         coalesce(array_agg(a.flags ORDER BY a.id), '{}'),
         coalesce(array_agg(a.debits_pending - coalesce(m.dp, 0) ORDER BY a.id), '{}'),
         coalesce(array_agg(a.debits_posted ORDER BY a.id), '{}'),
         coalesce(array_agg(a.credits_pending - coalesce(m.cp, 0) ORDER BY a.id), '{}'),
         coalesce(array_agg(a.credits_posted ORDER BY a.id), '{}')
  INTO a_id, a_ledger, a_flags, a_dp, a_dpo, a_cp, a_cpo
  FROM ledger_accounts a JOIN wanted w ON w.id = a.id LEFT JOIN moved m ON m.id = a.id;

  WITH g AS (SELECT DISTINCT x AS id FROM unnest(p_id || p_pending) x)
  SELECT array_agg(g.id ORDER BY g.id), array_agg(t.id IS NOT NULL ORDER BY g.id),
         array_agg(f.id IS NOT NULL ORDER BY g.id), array_agg(0 ORDER BY g.id),
         array_agg(t.debit_account_id ORDER BY g.id), array_agg(t.credit_account_id ORDER BY g.id),
         array_agg(t.amount ORDER BY g.id), array_agg(t.pending_id ORDER BY g.id),
         array_agg(t.user_data_128 ORDER BY g.id), array_agg(t.user_data_64 ORDER BY g.id),
         array_agg(t.user_data_32 ORDER BY g.id), array_agg(t.timeout ORDER BY g.id),
         array_agg(t.ledger ORDER BY g.id), array_agg(t.code ORDER BY g.id),
         array_agg(t.flags ORDER BY g.id), array_agg(t.timestamp ORDER BY g.id),
         array_agg(t.expires_at ORDER BY g.id), array_agg(coalesce(ad.ai, 0)::integer ORDER BY g.id),
         array_agg(coalesce(ac.ai, 0)::integer ORDER BY g.id),
         array_agg(coalesce(t.pending_status, 0) ORDER BY g.id)
  INTO g_id, g_db, g_failed, g_ev, g_debit, g_credit, g_amount, g_pending, g_ud128, g_ud64, g_ud32,
       g_timeout, g_ledger, g_code, g_flags, g_ts, g_expires, g_dri, g_cri, g_pstatus
  FROM g LEFT JOIN ledger_transfers t ON t.id = g.id
  LEFT JOIN ledger_failed_transfers f ON f.id = g.id
  LEFT JOIN unnest(a_id) WITH ORDINALITY ad(id, ai) ON ad.id = t.debit_account_id
  LEFT JOIN unnest(a_id) WITH ORDINALITY ac(id, ai) ON ac.id = t.credit_account_id;
  g_failed0 := g_failed;
  g_pstatus0 := g_pstatus;

  -- s1: checks before the id lookup; s2: after it (post/void: flags and pending id; others:
  -- ids, flags, ledger, code, accounts found); s3: overflows_timeout, which comes last.
  SELECT array_agg(gi.gi::integer ORDER BY e.ord), array_agg(gp.gi::integer ORDER BY e.ord),
         array_agg(coalesce(d.ai, 0)::integer ORDER BY e.ord), array_agg(coalesce(c.ai, 0)::integer ORDER BY e.ord),
         array_agg(CASE WHEN e.ts <> 0 THEN 3 WHEN (e.flags & ~511) <> 0 THEN 4 WHEN e.id = z THEN 5
                        WHEN e.id = 'ffffffff-ffff-ffff-ffff-ffffffffffff' THEN 6 ELSE 0 END ORDER BY e.ord),
         array_agg(CASE WHEN (e.flags & 12) <> 0 THEN
                     CASE WHEN (e.flags & 12) = 12 OR (e.flags & 2) <> 0 THEN 7 WHEN e.pid = z THEN 14
                          WHEN e.pid = 'ffffffff-ffff-ffff-ffff-ffffffffffff' THEN 15 WHEN e.pid = e.id THEN 16
                          WHEN e.timeout <> 0 THEN 17 ELSE 0 END
                   ELSE
                     CASE WHEN e.dr = z THEN 8 WHEN e.dr = 'ffffffff-ffff-ffff-ffff-ffffffffffff' THEN 9
                          WHEN e.cr = z THEN 10 WHEN e.cr = 'ffffffff-ffff-ffff-ffff-ffffffffffff' THEN 11
                          WHEN e.dr = e.cr THEN 12 WHEN e.pid <> z THEN 13
                          WHEN (e.flags & 2) = 0 AND e.timeout <> 0 THEN 17 WHEN e.ledger = 0 THEN 19
                          WHEN e.code = 0 THEN 20 WHEN d.ai IS NULL THEN 21 WHEN c.ai IS NULL THEN 22
                          WHEN d.ledger <> c.ledger THEN 23 WHEN e.ledger <> d.ledger THEN 24 ELSE 0 END
                   END ORDER BY e.ord),
         array_agg(CASE WHEN t0 + e.ord > 9223372036854775807 - e.timeout * 1000000000 THEN 53 ELSE 0 END ORDER BY e.ord)
  INTO e_g, e_pg, e_dri, e_cri, s1, s2, s3
  FROM unnest(p_id, p_debit, p_credit, p_pending, p_timeout, p_ledger, p_code, p_flags, p_timestamp)
       WITH ORDINALITY e(id, dr, cr, pid, timeout, ledger, code, flags, ts, ord)
  JOIN unnest(g_id) WITH ORDINALITY gi(id, gi) ON gi.id = e.id
  JOIN unnest(g_id) WITH ORDINALITY gp(id, gi) ON gp.id = e.pid
  LEFT JOIN unnest(a_id, a_ledger) WITH ORDINALITY d(id, ledger, ai) ON d.id = e.dr
  LEFT JOIN unnest(a_id, a_ledger) WITH ORDINALITY c(id, ledger, ai) ON c.id = e.cr;

  r_debit := p_debit; r_credit := p_credit; r_amount := p_amount; r_ud128 := p_ud128;
  r_ud64 := p_ud64; r_ud32 := p_ud32; r_ledger := p_ledger; r_code := p_code;
  r_kind := array_fill(0::smallint, ARRAY[n]); r_dri := array_fill(0, ARRAY[n]);
  r_cri := array_fill(0, ARRAY[n]); r_pamount := array_fill(0::numeric, ARRAY[n]);
  statuses := array_fill(0, ARRAY[n]); timestamps := array_fill(0::bigint, ARRAY[n]);

  FOR i IN 1..n LOOP
    ts := t0 + i; rts := ts;
    fl := p_flags[i];
    linked := (fl & 1) <> 0;
    IF linked AND chain = 0 THEN chain := i; END IF;
    IF linked AND i = n THEN st := 2;
    ELSIF broken THEN st := 1;
    ELSIF s1[i] <> 0 THEN st := s1[i];
    ELSE
      g := e_g[i]; ev := g_ev[g]; pg := e_pg[i]; q_found := false;
      IF (fl & 12) <> 0 AND pg > 0 THEN
        pev := g_ev[pg];
        IF pev > 0 THEN -- made earlier in this batch
          q_found := true; q_flags := p_flags[pev]; q_debit := r_debit[pev]; q_credit := r_credit[pev];
          q_amount := r_amount[pev]; q_ud128 := r_ud128[pev]; q_ud64 := r_ud64[pev]; q_ud32 := r_ud32[pev];
          q_ledger := r_ledger[pev]; q_code := r_code[pev]; q_dri := r_dri[pev]; q_cri := r_cri[pev];
          q_expires := CASE WHEN p_timeout[pev] > 0 THEN t0 + pev + p_timeout[pev] * 1000000000 END;
        ELSIF g_db[pg] THEN
          q_found := true; q_flags := g_flags[pg]; q_debit := g_debit[pg]; q_credit := g_credit[pg];
          q_amount := g_amount[pg]; q_ud128 := g_ud128[pg]; q_ud64 := g_ud64[pg]; q_ud32 := g_ud32[pg];
          q_ledger := g_ledger[pg]; q_code := g_code[pg]; q_dri := g_dri[pg]; q_cri := g_cri[pg];
          q_expires := g_expires[pg];
        END IF;
      END IF;
      IF ev > 0 OR g_db[g] THEN -- the id exists: same body (exists) or not (exists_with_different_*)
        IF ev > 0 THEN
          x_flags := p_flags[ev]; x_pending := p_pending[ev]; x_timeout := p_timeout[ev];
          x_debit := r_debit[ev]; x_credit := r_credit[ev]; x_amount := r_amount[ev]; x_ud128 := r_ud128[ev];
          x_ud64 := r_ud64[ev]; x_ud32 := r_ud32[ev]; x_ledger := r_ledger[ev]; x_code := r_code[ev];
          x_ts := t0 + ev;
        ELSE
          x_flags := g_flags[g]; x_pending := g_pending[g]; x_timeout := g_timeout[g];
          x_debit := g_debit[g]; x_credit := g_credit[g]; x_amount := g_amount[g]; x_ud128 := g_ud128[g];
          x_ud64 := g_ud64[g]; x_ud32 := g_ud32[g]; x_ledger := g_ledger[g]; x_code := g_code[g];
          x_ts := g_ts[g];
        END IF;
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
        IF st = 46 THEN rts := x_ts; END IF;
      ELSIF g_failed[g] THEN st := 68;
      ELSIF s2[i] <> 0 THEN st := s2[i];
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
          ps := g_pstatus[pg];
          st := CASE WHEN amt > q_amount THEN 31 WHEN (fl & 8) <> 0 AND amt < q_amount THEN 32
                     WHEN ps = 2 THEN 33 WHEN ps = 3 THEN 34 WHEN ps = 4 OR q_expires <= ts THEN 35 ELSE 0 END;
          IF st = 0 THEN
            a_dp[q_dri] := a_dp[q_dri] - q_amount; a_cp[q_cri] := a_cp[q_cri] - q_amount;
            IF (fl & 4) <> 0 THEN
              a_dpo[q_dri] := a_dpo[q_dri] + amt; a_cpo[q_cri] := a_cpo[q_cri] + amt;
              g_pstatus[pg] := 2; r_kind[i] := 3;
            ELSE
              g_pstatus[pg] := 3; r_kind[i] := 4;
            END IF;
            r_debit[i] := q_debit; r_credit[i] := q_credit; r_amount[i] := amt; r_pamount[i] := q_amount;
            IF p_ud128[i] = z THEN r_ud128[i] := q_ud128; END IF;
            IF p_ud64[i] = 0 THEN r_ud64[i] := q_ud64; END IF;
            IF p_ud32[i] = 0 THEN r_ud32[i] := q_ud32; END IF;
            r_ledger[i] := q_ledger; r_code[i] := q_code; r_dri[i] := q_dri; r_cri[i] := q_cri;
          END IF;
        END IF;
      ELSE -- a new pending or posted transfer
        dri := e_dri[i]; cri := e_cri[i]; amt := p_amount[i];
        IF amt + a_dp[dri] + a_dpo[dri] > u128max OR amt + a_cp[cri] + a_cpo[cri] > u128max THEN
          st := CASE WHEN (fl & 2) <> 0 AND amt + a_dp[dri] > u128max THEN 47
                     WHEN (fl & 2) <> 0 AND amt + a_cp[cri] > u128max THEN 48
                     WHEN amt + a_dpo[dri] > u128max THEN 49 WHEN amt + a_cpo[cri] > u128max THEN 50
                     WHEN amt + a_dp[dri] + a_dpo[dri] > u128max THEN 51 ELSE 52 END;
        ELSIF (fl & 2) <> 0 AND s3[i] <> 0 THEN st := 53;
        ELSIF (a_flags[dri] & 2) <> 0 AND a_dp[dri] + a_dpo[dri] + amt > a_cpo[dri] THEN st := 54;
        ELSIF (a_flags[cri] & 4) <> 0 AND a_cp[cri] + a_cpo[cri] + amt > a_dpo[cri] THEN st := 55;
        ELSIF (fl & 2) <> 0 THEN
          st := 0; r_kind[i] := 1; g_pstatus[g] := 1;
          a_dp[dri] := a_dp[dri] + amt; a_cp[cri] := a_cp[cri] + amt;
        ELSE
          st := 0; r_kind[i] := 2;
          a_dpo[dri] := a_dpo[dri] + amt; a_cpo[cri] := a_cpo[cri] + amt;
        END IF;
        r_dri[i] := dri; r_cri[i] := cri;
      END IF;
    END IF;

    IF st = 0 THEN
      g_ev[g] := i;
    ELSE
      IF chain > 0 AND NOT broken THEN
        broken := true; -- roll the chain back, newest first: its earlier events fail with it
        FOR j IN REVERSE i - 1 .. chain LOOP
          k := r_kind[j];
          IF k = 1 THEN
            a_dp[r_dri[j]] := a_dp[r_dri[j]] - r_amount[j]; a_cp[r_cri[j]] := a_cp[r_cri[j]] - r_amount[j];
          ELSIF k = 2 THEN
            a_dpo[r_dri[j]] := a_dpo[r_dri[j]] - r_amount[j]; a_cpo[r_cri[j]] := a_cpo[r_cri[j]] - r_amount[j];
          ELSE
            a_dp[r_dri[j]] := a_dp[r_dri[j]] + r_pamount[j]; a_cp[r_cri[j]] := a_cp[r_cri[j]] + r_pamount[j];
            IF k = 3 THEN
              a_dpo[r_dri[j]] := a_dpo[r_dri[j]] - r_amount[j]; a_cpo[r_cri[j]] := a_cpo[r_cri[j]] - r_amount[j];
            END IF;
            g_pstatus[e_pg[j]] := 1;
          END IF;
          g_ev[e_g[j]] := 0; r_kind[j] := 0; statuses[j] := 1;
        END LOOP;
      END IF;
      -- Transient failures (the same request could succeed later) fail their id for good.
      IF st IN (21, 22, 25, 54, 55) THEN g_failed[g] := true; END IF;
    END IF;
    statuses[i] := st; timestamps[i] := rts;
    IF chain > 0 AND (NOT linked OR st = 2) THEN chain := 0; broken := false; END IF;
  END LOOP;

  INSERT INTO ledger_transfers
  SELECT e.id, e.debit, e.credit, e.amount, e.pending, e.ud128, e.ud64, e.ud32, e.timeout, e.ledger,
         e.code, e.flags, t0 + e.ord, CASE WHEN e.kind = 1 THEN g_pstatus[e.g] ELSE 0 END,
         CASE WHEN e.kind = 1 AND e.timeout > 0 THEN t0 + e.ord + e.timeout * 1000000000 END
  FROM unnest(p_id, r_debit, r_credit, r_amount, p_pending, r_ud128, r_ud64, r_ud32, p_timeout,
              r_ledger, r_code, p_flags, r_kind, e_g)
       WITH ORDINALITY e(id, debit, credit, amount, pending, ud128, ud64, ud32, timeout, ledger, code, flags, kind, g, ord)
  WHERE e.kind > 0;

  UPDATE ledger_transfers t SET pending_status = u.ps
  FROM unnest(g_id, g_pstatus, g_pstatus0, g_db) u(id, ps, ps0, db)
  WHERE u.db AND u.ps <> u.ps0 AND t.id = u.id;

  UPDATE ledger_accounts a
  SET debits_pending = u.dp, debits_posted = u.dpo, credits_pending = u.cp, credits_posted = u.cpo
  FROM unnest(a_id, a_dp, a_dpo, a_cp, a_cpo) u(id, dp, dpo, cp, cpo)
  WHERE a.id = u.id
    AND (a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted)
        IS DISTINCT FROM (u.dp, u.dpo, u.cp, u.cpo);

  INSERT INTO ledger_failed_transfers
  SELECT u.id FROM unnest(g_id, g_failed, g_failed0) u(id, f, f0) WHERE u.f AND NOT u.f0;
END $$;

-- Down Migration
DROP FUNCTION ledger_create_transfers(uuid[], uuid[], uuid[], numeric[], uuid[], uuid[], numeric[], bigint[], bigint[], bigint[], integer[], integer[], bigint[]);
DROP FUNCTION ledger_create_accounts(uuid[], numeric[], numeric[], numeric[], numeric[], uuid[], numeric[], bigint[], integer[], bigint[], integer[], integer[], bigint[]);
DROP FUNCTION ledger_lookup_accounts(uuid[]);
DROP FUNCTION ledger_tick(integer);
DROP FUNCTION ledger_now_ns();
DROP TABLE ledger_failed_transfers;
DROP TABLE ledger_transfers;
DROP TABLE ledger_accounts;
DROP TABLE ledger_clock;

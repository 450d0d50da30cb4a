-- Up Migration
-- The ledger's SQL, made readable: named constants for result codes, flags and pending statuses,
-- names that say what they hold, the duplicated blocks folded, and ledger_create_transfers split
-- into functions of one concern each. Every function keeps its signature and its answers, so a
-- batch may run either version: no lock is needed while this migration runs. Every function here
-- is CREATE OR REPLACE, so the migration can run again after its (empty) down migration.
--
-- Kept as fast as before, by how PostgreSQL plans each kind of function:
-- - Constants are IMMUTABLE LANGUAGE sql functions. The planner folds each to the number itself
--   (a partial index's predicate, pending_status = 1, still matches) by running it once when it
--   plans the statement: about 5 µs per constant per planning, nothing per execution. So they
--   belong only where plans are cached: ledger_due_unmarked, a LANGUAGE sql function planned on
--   every call, keeps its literals (it is not redefined here).
-- - The PL/pgSQL functions plan each statement once per session: plan_cache_mode =
--   force_generic_plan. ledger_create_transfers was always meant to run on cached generic plans
--   (see its settings), but for small batches PostgreSQL's plan cache may choose a fresh custom
--   plan on every call instead (it did in some of our measurements, depending on the tables'
--   statistics), which with the named constants would cost about a millisecond a call. Where it
--   did, batches of 2-3 events now run about twice as fast as before; larger batches got the
--   generic plans already.
-- - The per-transfer checks are IMMUTABLE LANGUAGE sql functions of their inputs: inlined into
--   the query or the PL/pgSQL expression that calls them, they cost what the same expression
--   written in place costs.
-- - The batch's set-based reads are STABLE LANGUAGE sql functions returning rows, inlined into
--   the calling query: they plan exactly as if written there, under the caller's settings.
-- - What changes event by event (balances, chains, pending statuses) stays in the one loop of
--   ledger_create_transfers: PL/pgSQL passes arrays by value, so a function that changed them
--   would copy every array for every event.
-- - The writes are PL/pgSQL functions called once per batch (a few microseconds each).
--
-- Names mirror shared/src/ledger/types.ts: ledger_status_<CreateTransferStatus name>,
-- ledger_account_status_<CreateAccountStatus name>, ledger_flag_<TransferFlags name>,
-- ledger_account_flag_<AccountFlags name>. Transfer results lack "transfer" in their names only
-- to stay within PostgreSQL's 63-character names. `created` is 0 here: the adapter maps it to
-- TigerBeetle's 0xFFFFFFFF, which integer cannot hold. Only the codes the ledger answers are named.

-- ---------------------------------------------------------------------------------------------
-- Constants

-- Transfer flags (TransferFlags).
CREATE OR REPLACE FUNCTION ledger_flag_linked() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 1 $$;
CREATE OR REPLACE FUNCTION ledger_flag_pending() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 2 $$;
CREATE OR REPLACE FUNCTION ledger_flag_post_pending_transfer() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 4 $$;
CREATE OR REPLACE FUNCTION ledger_flag_void_pending_transfer() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 8 $$;
CREATE OR REPLACE FUNCTION ledger_flag_balancing_debit() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 16 $$;
CREATE OR REPLACE FUNCTION ledger_flag_balancing_credit() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 32 $$;
CREATE OR REPLACE FUNCTION ledger_flag_closing_debit() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 64 $$;
CREATE OR REPLACE FUNCTION ledger_flag_closing_credit() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 128 $$;
CREATE OR REPLACE FUNCTION ledger_flag_imported() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 256 $$;
-- Either flag that ends a pending transfer.
CREATE OR REPLACE FUNCTION ledger_flags_post_or_void() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT ledger_flag_post_pending_transfer() | ledger_flag_void_pending_transfer() $$;
-- Flags TigerBeetle has that this ledger does not implement: a batch with any is refused whole.
CREATE OR REPLACE FUNCTION ledger_flags_unsupported() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT ledger_flag_balancing_debit() | ledger_flag_balancing_credit() | ledger_flag_closing_debit()
          | ledger_flag_closing_credit() | ledger_flag_imported() $$;
-- Every transfer flag TigerBeetle defines; any other bit is reserved_flag.
CREATE OR REPLACE FUNCTION ledger_flags_defined() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT ledger_flag_linked() | ledger_flag_pending() | ledger_flags_post_or_void() | ledger_flags_unsupported() $$;

-- Account flags (AccountFlags).
CREATE OR REPLACE FUNCTION ledger_account_flag_linked() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 1 $$;
CREATE OR REPLACE FUNCTION ledger_account_flag_debits_must_not_exceed_credits() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 2 $$;
CREATE OR REPLACE FUNCTION ledger_account_flag_credits_must_not_exceed_debits() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 4 $$;
CREATE OR REPLACE FUNCTION ledger_account_flag_history() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 8 $$;
CREATE OR REPLACE FUNCTION ledger_account_flag_imported() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 16 $$;
CREATE OR REPLACE FUNCTION ledger_account_flag_closed() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 32 $$;
-- Account flags this ledger does not implement: a batch with any is refused whole.
CREATE OR REPLACE FUNCTION ledger_account_flags_unsupported() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT ledger_account_flag_imported() | ledger_account_flag_closed() $$;
-- Every account flag TigerBeetle defines; any other bit is reserved_flag.
CREATE OR REPLACE FUNCTION ledger_account_flags_defined() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT ledger_account_flag_linked() | ledger_account_flag_debits_must_not_exceed_credits()
          | ledger_account_flag_credits_must_not_exceed_debits() | ledger_account_flag_history()
          | ledger_account_flags_unsupported() $$;

-- Whether p_flags has any bit of p_flag (hasFlag in types.ts).
CREATE OR REPLACE FUNCTION ledger_has_flag(p_flags integer, p_flag integer) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$ SELECT (p_flags & p_flag) <> 0 $$;

-- Transfer results (CreateTransferStatus), in code order.
CREATE OR REPLACE FUNCTION ledger_status_created() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 0 $$;
CREATE OR REPLACE FUNCTION ledger_status_linked_event_failed() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 1 $$;
CREATE OR REPLACE FUNCTION ledger_status_linked_event_chain_open() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 2 $$;
CREATE OR REPLACE FUNCTION ledger_status_timestamp_must_be_zero() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 3 $$;
CREATE OR REPLACE FUNCTION ledger_status_reserved_flag() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 4 $$;
CREATE OR REPLACE FUNCTION ledger_status_id_must_not_be_zero() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 5 $$;
CREATE OR REPLACE FUNCTION ledger_status_id_must_not_be_int_max() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 6 $$;
CREATE OR REPLACE FUNCTION ledger_status_flags_are_mutually_exclusive() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 7 $$;
CREATE OR REPLACE FUNCTION ledger_status_debit_account_id_must_not_be_zero() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 8 $$;
CREATE OR REPLACE FUNCTION ledger_status_debit_account_id_must_not_be_int_max() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 9 $$;
CREATE OR REPLACE FUNCTION ledger_status_credit_account_id_must_not_be_zero() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 10 $$;
CREATE OR REPLACE FUNCTION ledger_status_credit_account_id_must_not_be_int_max() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 11 $$;
CREATE OR REPLACE FUNCTION ledger_status_accounts_must_be_different() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 12 $$;
CREATE OR REPLACE FUNCTION ledger_status_pending_id_must_be_zero() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 13 $$;
CREATE OR REPLACE FUNCTION ledger_status_pending_id_must_not_be_zero() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 14 $$;
CREATE OR REPLACE FUNCTION ledger_status_pending_id_must_not_be_int_max() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 15 $$;
CREATE OR REPLACE FUNCTION ledger_status_pending_id_must_be_different() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 16 $$;
CREATE OR REPLACE FUNCTION ledger_status_timeout_reserved_for_pending_transfer() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 17 $$;
CREATE OR REPLACE FUNCTION ledger_status_ledger_must_not_be_zero() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 19 $$;
CREATE OR REPLACE FUNCTION ledger_status_code_must_not_be_zero() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 20 $$;
CREATE OR REPLACE FUNCTION ledger_status_debit_account_not_found() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 21 $$;
CREATE OR REPLACE FUNCTION ledger_status_credit_account_not_found() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 22 $$;
CREATE OR REPLACE FUNCTION ledger_status_accounts_must_have_the_same_ledger() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 23 $$;
CREATE OR REPLACE FUNCTION ledger_status_transfer_must_have_the_same_ledger_as_accounts() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 24 $$;
CREATE OR REPLACE FUNCTION ledger_status_pending_transfer_not_found() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 25 $$;
CREATE OR REPLACE FUNCTION ledger_status_pending_transfer_not_pending() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 26 $$;
CREATE OR REPLACE FUNCTION ledger_status_pending_transfer_has_different_debit_account_id() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 27 $$;
CREATE OR REPLACE FUNCTION ledger_status_pending_transfer_has_different_credit_account_id() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 28 $$;
CREATE OR REPLACE FUNCTION ledger_status_pending_transfer_has_different_ledger() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 29 $$;
CREATE OR REPLACE FUNCTION ledger_status_pending_transfer_has_different_code() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 30 $$;
CREATE OR REPLACE FUNCTION ledger_status_exceeds_pending_transfer_amount() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 31 $$;
CREATE OR REPLACE FUNCTION ledger_status_pending_transfer_has_different_amount() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 32 $$;
CREATE OR REPLACE FUNCTION ledger_status_pending_transfer_already_posted() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 33 $$;
CREATE OR REPLACE FUNCTION ledger_status_pending_transfer_already_voided() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 34 $$;
CREATE OR REPLACE FUNCTION ledger_status_pending_transfer_expired() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 35 $$;
CREATE OR REPLACE FUNCTION ledger_status_exists_with_different_flags() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 36 $$;
CREATE OR REPLACE FUNCTION ledger_status_exists_with_different_debit_account_id() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 37 $$;
CREATE OR REPLACE FUNCTION ledger_status_exists_with_different_credit_account_id() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 38 $$;
CREATE OR REPLACE FUNCTION ledger_status_exists_with_different_amount() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 39 $$;
CREATE OR REPLACE FUNCTION ledger_status_exists_with_different_pending_id() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 40 $$;
CREATE OR REPLACE FUNCTION ledger_status_exists_with_different_user_data_128() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 41 $$;
CREATE OR REPLACE FUNCTION ledger_status_exists_with_different_user_data_64() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 42 $$;
CREATE OR REPLACE FUNCTION ledger_status_exists_with_different_user_data_32() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 43 $$;
CREATE OR REPLACE FUNCTION ledger_status_exists_with_different_timeout() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 44 $$;
CREATE OR REPLACE FUNCTION ledger_status_exists_with_different_code() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 45 $$;
CREATE OR REPLACE FUNCTION ledger_status_exists() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 46 $$;
CREATE OR REPLACE FUNCTION ledger_status_overflows_debits_pending() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 47 $$;
CREATE OR REPLACE FUNCTION ledger_status_overflows_credits_pending() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 48 $$;
CREATE OR REPLACE FUNCTION ledger_status_overflows_debits_posted() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 49 $$;
CREATE OR REPLACE FUNCTION ledger_status_overflows_credits_posted() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 50 $$;
CREATE OR REPLACE FUNCTION ledger_status_overflows_debits() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 51 $$;
CREATE OR REPLACE FUNCTION ledger_status_overflows_credits() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 52 $$;
CREATE OR REPLACE FUNCTION ledger_status_overflows_timeout() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 53 $$;
CREATE OR REPLACE FUNCTION ledger_status_exceeds_credits() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 54 $$;
CREATE OR REPLACE FUNCTION ledger_status_exceeds_debits() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 55 $$;
CREATE OR REPLACE FUNCTION ledger_status_exists_with_different_ledger() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 67 $$;
CREATE OR REPLACE FUNCTION ledger_status_id_already_failed() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 68 $$;

-- Failures that depend on the ledger's state at that moment, so the same request could succeed
-- later: TigerBeetle fails the id for good (transientTransferStatuses in types.ts, without the
-- closed-account ones: this ledger has no closed accounts).
CREATE OR REPLACE FUNCTION ledger_status_is_transient(p_status integer) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT p_status IN (ledger_status_debit_account_not_found(), ledger_status_credit_account_not_found(),
                      ledger_status_pending_transfer_not_found(), ledger_status_exceeds_credits(),
                      ledger_status_exceeds_debits())
$$;

-- Account results (CreateAccountStatus), in code order.
CREATE OR REPLACE FUNCTION ledger_account_status_created() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 0 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_linked_event_failed() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 1 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_linked_event_chain_open() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 2 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_timestamp_must_be_zero() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 3 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_reserved_field() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 4 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_reserved_flag() RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT 5 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_id_must_not_be_zero() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 6 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_id_must_not_be_int_max() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 7 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_flags_are_mutually_exclusive() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 8 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_debits_pending_must_be_zero() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 9 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_debits_posted_must_be_zero() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 10 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_credits_pending_must_be_zero() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 11 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_credits_posted_must_be_zero() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 12 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_ledger_must_not_be_zero() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 13 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_code_must_not_be_zero() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 14 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_exists_with_different_flags() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 15 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_exists_with_different_user_data_128() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 16 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_exists_with_different_user_data_64() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 17 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_exists_with_different_user_data_32() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 18 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_exists_with_different_ledger() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 19 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_exists_with_different_code() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 20 $$;
CREATE OR REPLACE FUNCTION ledger_account_status_exists() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 21 $$;

-- ledger_transfers.pending_status: none for a transfer that was never pending; a pending one
-- is pending until posted, voided or (its timeout passed) marked expired.
CREATE OR REPLACE FUNCTION ledger_pending_status_none() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 0 $$;
CREATE OR REPLACE FUNCTION ledger_pending_status_pending() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 1 $$;
CREATE OR REPLACE FUNCTION ledger_pending_status_posted() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 2 $$;
CREATE OR REPLACE FUNCTION ledger_pending_status_voided() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 3 $$;
CREATE OR REPLACE FUNCTION ledger_pending_status_expired() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 4 $$;

-- What an event of a batch did to the ledger, while the batch runs: nothing (failed, or rolled
-- back with its chain), made a pending or a posted transfer, or posted or voided a pending one.
CREATE OR REPLACE FUNCTION ledger_effect_none() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 0 $$;
CREATE OR REPLACE FUNCTION ledger_effect_made_pending() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 1 $$;
CREATE OR REPLACE FUNCTION ledger_effect_made_posted() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 2 $$;
CREATE OR REPLACE FUNCTION ledger_effect_posted_pending() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 3 $$;
CREATE OR REPLACE FUNCTION ledger_effect_voided_pending() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 4 $$;

-- Ids: u128 zero and u128 maximum ("int max"), both refused wherever an id is named.
CREATE OR REPLACE FUNCTION ledger_id_zero() RETURNS uuid LANGUAGE sql IMMUTABLE AS
$$ SELECT '00000000-0000-0000-0000-000000000000'::uuid $$;
CREATE OR REPLACE FUNCTION ledger_id_max() RETURNS uuid LANGUAGE sql IMMUTABLE AS
$$ SELECT 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid $$;
-- The largest u128: no balance may pass it.
CREATE OR REPLACE FUNCTION ledger_u128_max() RETURNS numeric LANGUAGE sql IMMUTABLE AS
$$ SELECT 340282366920938463463374607431768211455::numeric $$;
-- A post's amount that means "the whole pending amount" (amountMax in types.ts).
CREATE OR REPLACE FUNCTION ledger_amount_max() RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT ledger_u128_max() $$;
-- No sum of two balances and an amount can pass 2^128 unless one of them is at least 2^126:
-- below it, the overflow checks are skipped.
CREATE OR REPLACE FUNCTION ledger_overflow_watch() RETURNS numeric LANGUAGE sql IMMUTABLE AS
$$ SELECT 2::numeric ^ 126 $$;
-- Timestamps are bigint nanoseconds: the largest one, and the units timeouts and ledger_expiring use.
CREATE OR REPLACE FUNCTION ledger_timestamp_max() RETURNS bigint LANGUAGE sql IMMUTABLE AS
$$ SELECT 9223372036854775807::bigint $$;
CREATE OR REPLACE FUNCTION ledger_ns_per_second() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 1000000000 $$;
CREATE OR REPLACE FUNCTION ledger_ns_per_ms() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 1000000 $$;

-- ---------------------------------------------------------------------------------------------
-- One transfer's checks: pure functions, inlined where they are called. Each answers the first
-- failing check in TigerBeetle's order, or created.

-- When a pending transfer made at p_timestamp with p_timeout seconds expires (none without one).
CREATE OR REPLACE FUNCTION ledger_hold_expires_at(p_timestamp bigint, p_timeout bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_timeout > 0 THEN p_timestamp + p_timeout * ledger_ns_per_second() END
$$;

-- Whether a pending transfer made at p_timestamp would expire past the largest timestamp.
CREATE OR REPLACE FUNCTION ledger_timeout_overflows(p_timestamp bigint, p_timeout bigint) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT p_timestamp > ledger_timestamp_max() - p_timeout * ledger_ns_per_second()
$$;

-- The checks TigerBeetle makes before it looks the transfer's id up.
CREATE OR REPLACE FUNCTION ledger_transfer_header_status(p_id uuid, p_flags integer, p_timestamp bigint)
RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_timestamp <> 0 THEN ledger_status_timestamp_must_be_zero()
              WHEN (p_flags & ~ledger_flags_defined()) <> 0 THEN ledger_status_reserved_flag()
              WHEN p_id = ledger_id_zero() THEN ledger_status_id_must_not_be_zero()
              WHEN p_id = ledger_id_max() THEN ledger_status_id_must_not_be_int_max()
              ELSE ledger_status_created() END
$$;

-- The checks after the id lookup that depend only on the request and its accounts (a post or
-- void names no accounts of its own: its pending transfer's are checked later). p_debit_found,
-- p_debit_ledger: whether the debit account exists and its ledger; the same for the credit one.
CREATE OR REPLACE FUNCTION ledger_transfer_request_status(
  p_id uuid, p_debit uuid, p_credit uuid, p_pending_id uuid, p_timeout bigint, p_ledger bigint, p_code integer,
  p_flags integer, p_debit_found boolean, p_credit_found boolean, p_debit_ledger bigint, p_credit_ledger bigint)
RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN ledger_has_flag(p_flags, ledger_flags_post_or_void()) THEN
           CASE WHEN (p_flags & ledger_flags_post_or_void()) = ledger_flags_post_or_void()
                     OR ledger_has_flag(p_flags, ledger_flag_pending())
                  THEN ledger_status_flags_are_mutually_exclusive()
                WHEN p_pending_id = ledger_id_zero() THEN ledger_status_pending_id_must_not_be_zero()
                WHEN p_pending_id = ledger_id_max() THEN ledger_status_pending_id_must_not_be_int_max()
                WHEN p_pending_id = p_id THEN ledger_status_pending_id_must_be_different()
                WHEN p_timeout <> 0 THEN ledger_status_timeout_reserved_for_pending_transfer()
                ELSE ledger_status_created() END
         ELSE
           CASE WHEN p_debit = ledger_id_zero() THEN ledger_status_debit_account_id_must_not_be_zero()
                WHEN p_debit = ledger_id_max() THEN ledger_status_debit_account_id_must_not_be_int_max()
                WHEN p_credit = ledger_id_zero() THEN ledger_status_credit_account_id_must_not_be_zero()
                WHEN p_credit = ledger_id_max() THEN ledger_status_credit_account_id_must_not_be_int_max()
                WHEN p_debit = p_credit THEN ledger_status_accounts_must_be_different()
                WHEN p_pending_id <> ledger_id_zero() THEN ledger_status_pending_id_must_be_zero()
                WHEN NOT ledger_has_flag(p_flags, ledger_flag_pending()) AND p_timeout <> 0
                  THEN ledger_status_timeout_reserved_for_pending_transfer()
                WHEN p_ledger = 0 THEN ledger_status_ledger_must_not_be_zero()
                WHEN p_code = 0 THEN ledger_status_code_must_not_be_zero()
                WHEN NOT p_debit_found THEN ledger_status_debit_account_not_found()
                WHEN NOT p_credit_found THEN ledger_status_credit_account_not_found()
                WHEN p_debit_ledger <> p_credit_ledger THEN ledger_status_accounts_must_have_the_same_ledger()
                WHEN p_ledger <> p_debit_ledger THEN ledger_status_transfer_must_have_the_same_ledger_as_accounts()
                ELSE ledger_status_created() END
         END
$$;

-- The one "exists" check: a transfer asked for under an id already taken (stored, or made earlier
-- in the same batch) is `exists` when it asks for the same transfer, or names the first field
-- that differs. A post's or void's zero fields (and a post's amount_max) stand for its pending
-- transfer's, as they did when the stored one was made: pending_* are that pending transfer's.
CREATE OR REPLACE FUNCTION ledger_transfer_exists_status(
  asked_flags integer, asked_pending_id uuid, asked_timeout bigint, asked_debit uuid, asked_credit uuid,
  asked_amount numeric, asked_ud128 uuid, asked_ud64 numeric, asked_ud32 bigint, asked_ledger bigint,
  asked_code integer,
  stored_flags integer, stored_pending_id uuid, stored_timeout bigint, stored_debit uuid, stored_credit uuid,
  stored_amount numeric, stored_ud128 uuid, stored_ud64 numeric, stored_ud32 bigint, stored_ledger bigint,
  stored_code integer,
  pending_amount numeric, pending_ud128 uuid, pending_ud64 numeric, pending_ud32 bigint)
RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN asked_flags <> stored_flags THEN ledger_status_exists_with_different_flags()
    WHEN asked_pending_id <> stored_pending_id THEN ledger_status_exists_with_different_pending_id()
    WHEN asked_timeout <> stored_timeout THEN ledger_status_exists_with_different_timeout()
    WHEN NOT ledger_has_flag(asked_flags, ledger_flags_post_or_void()) THEN
      CASE WHEN asked_debit <> stored_debit THEN ledger_status_exists_with_different_debit_account_id()
           WHEN asked_credit <> stored_credit THEN ledger_status_exists_with_different_credit_account_id()
           WHEN asked_amount <> stored_amount THEN ledger_status_exists_with_different_amount()
           WHEN asked_ud128 <> stored_ud128 THEN ledger_status_exists_with_different_user_data_128()
           WHEN asked_ud64 <> stored_ud64 THEN ledger_status_exists_with_different_user_data_64()
           WHEN asked_ud32 <> stored_ud32 THEN ledger_status_exists_with_different_user_data_32()
           WHEN asked_ledger <> stored_ledger THEN ledger_status_exists_with_different_ledger()
           WHEN asked_code <> stored_code THEN ledger_status_exists_with_different_code()
           ELSE ledger_status_exists() END
    ELSE
      CASE WHEN asked_debit <> ledger_id_zero() AND asked_debit <> stored_debit
             THEN ledger_status_exists_with_different_debit_account_id()
           WHEN asked_credit <> ledger_id_zero() AND asked_credit <> stored_credit
             THEN ledger_status_exists_with_different_credit_account_id()
           WHEN CASE WHEN asked_amount = CASE WHEN ledger_has_flag(asked_flags, ledger_flag_post_pending_transfer())
                                              THEN ledger_amount_max() ELSE 0 END
                     THEN pending_amount ELSE asked_amount END <> stored_amount
             THEN ledger_status_exists_with_different_amount()
           WHEN CASE WHEN asked_ud128 = ledger_id_zero() THEN pending_ud128 ELSE asked_ud128 END <> stored_ud128
             THEN ledger_status_exists_with_different_user_data_128()
           WHEN CASE WHEN asked_ud64 = 0 THEN pending_ud64 ELSE asked_ud64 END <> stored_ud64
             THEN ledger_status_exists_with_different_user_data_64()
           WHEN CASE WHEN asked_ud32 = 0 THEN pending_ud32 ELSE asked_ud32 END <> stored_ud32
             THEN ledger_status_exists_with_different_user_data_32()
           WHEN asked_ledger <> 0 AND asked_ledger <> stored_ledger THEN ledger_status_exists_with_different_ledger()
           WHEN asked_code <> 0 AND asked_code <> stored_code THEN ledger_status_exists_with_different_code()
           ELSE ledger_status_exists() END
  END
$$;

-- The amount a post or void moves: a post's amount_max and a void's zero mean the whole pending amount.
CREATE OR REPLACE FUNCTION ledger_post_or_void_amount(p_flags integer, p_amount numeric, pending_amount numeric)
RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN ledger_has_flag(p_flags, ledger_flag_post_pending_transfer())
              THEN CASE WHEN p_amount = ledger_amount_max() THEN pending_amount ELSE p_amount END
              WHEN p_amount > 0 THEN p_amount ELSE pending_amount END
$$;

-- A post's or void's checks against the pending transfer it names (pending_*: found or not,
-- and its fields and status as of this event); p_amount as ledger_post_or_void_amount gives it;
-- p_now: this event's timestamp (a hold whose timeout has passed is expired, marked or not).
CREATE OR REPLACE FUNCTION ledger_post_or_void_status(
  p_flags integer, p_debit uuid, p_credit uuid, p_ledger bigint, p_code integer, p_amount numeric, p_now bigint,
  pending_found boolean, pending_flags integer, pending_debit uuid, pending_credit uuid, pending_ledger bigint,
  pending_code integer, pending_amount numeric, pending_status smallint, pending_expires bigint)
RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN NOT pending_found THEN ledger_status_pending_transfer_not_found()
    WHEN NOT ledger_has_flag(pending_flags, ledger_flag_pending()) THEN ledger_status_pending_transfer_not_pending()
    WHEN p_debit <> ledger_id_zero() AND p_debit <> pending_debit
      THEN ledger_status_pending_transfer_has_different_debit_account_id()
    WHEN p_credit <> ledger_id_zero() AND p_credit <> pending_credit
      THEN ledger_status_pending_transfer_has_different_credit_account_id()
    WHEN p_ledger <> 0 AND p_ledger <> pending_ledger THEN ledger_status_pending_transfer_has_different_ledger()
    WHEN p_code <> 0 AND p_code <> pending_code THEN ledger_status_pending_transfer_has_different_code()
    WHEN p_amount > pending_amount THEN ledger_status_exceeds_pending_transfer_amount()
    WHEN ledger_has_flag(p_flags, ledger_flag_void_pending_transfer()) AND p_amount < pending_amount
      THEN ledger_status_pending_transfer_has_different_amount()
    WHEN pending_status = ledger_pending_status_posted() THEN ledger_status_pending_transfer_already_posted()
    WHEN pending_status = ledger_pending_status_voided() THEN ledger_status_pending_transfer_already_voided()
    WHEN pending_status = ledger_pending_status_expired() OR pending_expires <= p_now
      THEN ledger_status_pending_transfer_expired()
    ELSE ledger_status_created() END
$$;

-- Whether a new transfer of p_amount would take a balance past the largest u128: the debit
-- account's debits (pending, posted) and the credit account's credits. Pending balances only
-- count for a pending transfer. Called only while some balance or amount is near the limit.
CREATE OR REPLACE FUNCTION ledger_overflow_status(
  p_flags integer, p_amount numeric, debit_debits_pending numeric, debit_debits_posted numeric,
  credit_credits_pending numeric, credit_credits_posted numeric)
RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN p_amount + debit_debits_pending + debit_debits_posted > ledger_u128_max()
         OR p_amount + credit_credits_pending + credit_credits_posted > ledger_u128_max() THEN
      CASE WHEN ledger_has_flag(p_flags, ledger_flag_pending())
                AND p_amount + debit_debits_pending > ledger_u128_max() THEN ledger_status_overflows_debits_pending()
           WHEN ledger_has_flag(p_flags, ledger_flag_pending())
                AND p_amount + credit_credits_pending > ledger_u128_max() THEN ledger_status_overflows_credits_pending()
           WHEN p_amount + debit_debits_posted > ledger_u128_max() THEN ledger_status_overflows_debits_posted()
           WHEN p_amount + credit_credits_posted > ledger_u128_max() THEN ledger_status_overflows_credits_posted()
           WHEN p_amount + debit_debits_pending + debit_debits_posted > ledger_u128_max()
             THEN ledger_status_overflows_debits()
           ELSE ledger_status_overflows_credits() END
    ELSE ledger_status_created() END
$$;

-- The accounts' limits on a new transfer of p_amount (pending or posted, both count): a debit
-- account with debits_must_not_exceed_credits, a credit account with credits_must_not_exceed_debits.
-- This is the stock check of a flash sale (a tier's budget account carries the first flag).
CREATE OR REPLACE FUNCTION ledger_limits_status(
  p_amount numeric,
  debit_flags integer, debit_debits_pending numeric, debit_debits_posted numeric, debit_credits_posted numeric,
  credit_flags integer, credit_credits_pending numeric, credit_credits_posted numeric, credit_debits_posted numeric)
RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN ledger_has_flag(debit_flags, ledger_account_flag_debits_must_not_exceed_credits())
         AND debit_debits_pending + debit_debits_posted + p_amount > debit_credits_posted
      THEN ledger_status_exceeds_credits()
    WHEN ledger_has_flag(credit_flags, ledger_account_flag_credits_must_not_exceed_debits())
         AND credit_credits_pending + credit_credits_posted + p_amount > credit_debits_posted
      THEN ledger_status_exceeds_debits()
    ELSE ledger_status_created() END
$$;

-- Every check a new transfer's balances decide, in TigerBeetle's order: overflows (skipped while
-- p_may_overflow is false: nothing is near the limit), the timeout's, then the accounts' limits.
-- The accounts' balances as for ledger_overflow_status and ledger_limits_status.
CREATE OR REPLACE FUNCTION ledger_new_transfer_status(
  p_may_overflow boolean, p_flags integer, p_amount numeric, p_timeout_overflows boolean,
  debit_flags integer, debit_debits_pending numeric, debit_debits_posted numeric, debit_credits_posted numeric,
  credit_flags integer, credit_credits_pending numeric, credit_credits_posted numeric, credit_debits_posted numeric)
RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN p_may_overflow
         AND ledger_overflow_status(p_flags, p_amount, debit_debits_pending, debit_debits_posted,
                                    credit_credits_pending, credit_credits_posted) <> ledger_status_created()
      THEN ledger_overflow_status(p_flags, p_amount, debit_debits_pending, debit_debits_posted,
                                  credit_credits_pending, credit_credits_posted)
    WHEN ledger_has_flag(p_flags, ledger_flag_pending()) AND p_timeout_overflows THEN ledger_status_overflows_timeout()
    ELSE ledger_limits_status(p_amount, debit_flags, debit_debits_pending, debit_debits_posted, debit_credits_posted,
                              credit_flags, credit_credits_pending, credit_credits_posted, credit_debits_posted)
  END
$$;

-- ---------------------------------------------------------------------------------------------
-- A transfer batch's set-based steps.

-- Per event of a batch that names an earlier event of the same batch (rare: a repeated id, a
-- pending transfer made in the batch, a pending id named twice), found with three hash self-joins:
-- the last earlier event with its id (prev_same_id), the last earlier event whose id is its
-- pending id (prev_pending), the first event naming the same pending id (first_same_pending).
CREATE OR REPLACE FUNCTION ledger_batch_links(p_id uuid[], p_pending uuid[])
RETURNS TABLE (ord bigint, prev_same_id bigint, prev_pending bigint, first_same_pending bigint)
LANGUAGE sql IMMUTABLE AS $$
  WITH ev AS MATERIALIZED (SELECT * FROM unnest(p_id, p_pending) WITH ORDINALITY AS ev(id, pid, ord))
  SELECT l.ord, max(l.other) FILTER (WHERE l.link = 'same id'), max(l.other) FILTER (WHERE l.link = 'pending'),
         min(l.other) FILTER (WHERE l.link = 'same pending')
  FROM (SELECT a.ord, 'same id' AS link, b.ord AS other FROM ev a JOIN ev b ON b.id = a.id AND b.ord < a.ord
        UNION ALL
        SELECT a.ord, 'pending', b.ord FROM ev a JOIN ev b ON b.id = a.pid AND b.ord < a.ord
        WHERE a.pid <> ledger_id_zero()
        UNION ALL
        SELECT a.ord, 'same pending', b.ord FROM ev a JOIN ev b ON b.pid = a.pid AND b.ord < a.ord
        WHERE a.pid <> ledger_id_zero()) l
  GROUP BY l.ord
$$;

-- Every account a batch touches, locked in id order as it is read, with its balances as of the
-- end of the batch: it first marks up to ledger_expired_per_call_max() holds due by p_due_ns
-- expired (the oldest first), and counts the due ones left unmarked as gone too (acct_*_due:
-- how much of the pending balances that is, added back when they are written: see 0012).
-- Touched: the events' accounts, the accounts of the pending transfers they name, the marked
-- holds'. may_overflow: some balance is at least ledger_overflow_watch().
CREATE OR REPLACE FUNCTION ledger_lock_accounts(p_debit uuid[], p_credit uuid[], p_pending uuid[], p_due_ns bigint,
  OUT acct_id uuid[], OUT acct_ledger bigint[], OUT acct_flags integer[],
  OUT acct_debits_pending numeric[], OUT acct_debits_posted numeric[],
  OUT acct_credits_pending numeric[], OUT acct_credits_posted numeric[],
  OUT acct_debits_due numeric[], OUT acct_credits_due numeric[], OUT may_overflow boolean)
LANGUAGE plpgsql
-- (Index scans and hash joins only, no JIT: see ledger_create_transfers.)
SET jit = off
SET enable_seqscan = off
SET enable_nestloop = off
SET join_collapse_limit = 1
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  marked record; -- the holds marked expired now: how many, and per account by how much
  touched uuid[];
  unmarked_id uuid[] := '{}'; unmarked_debits numeric[] := '{}'; unmarked_credits numeric[] := '{}';
BEGIN
  SELECT * INTO marked FROM ledger_mark_expired(p_due_ns, ledger_expired_per_call_max());

  touched := ARRAY(
    SELECT DISTINCT x FROM unnest(p_debit || p_credit || marked.ids || ARRAY(
      SELECT unnest(ARRAY[t.debit_account_id, t.credit_account_id]) FROM ledger_transfers t
      WHERE t.id = ANY (ARRAY(SELECT DISTINCT u FROM unnest(p_pending) u WHERE u <> ledger_id_zero())))) x
    ORDER BY x);

  -- The limit reached: due holds may be left unmarked (a bounded read: see ledger_due_unmarked).
  IF marked.marked >= ledger_expired_per_call_max() THEN
    SELECT coalesce(array_agg(d.id), '{}'), coalesce(array_agg(d.dp), '{}'), coalesce(array_agg(d.cp), '{}')
    INTO unmarked_id, unmarked_debits, unmarked_credits
    FROM ledger_due_unmarked(touched, p_due_ns) d;
  END IF;

  SELECT coalesce(array_agg(l.id ORDER BY l.id), '{}'), coalesce(array_agg(l.ledger ORDER BY l.id), '{}'),
         coalesce(array_agg(l.flags ORDER BY l.id), '{}'), coalesce(array_agg(l.dp ORDER BY l.id), '{}'),
         coalesce(array_agg(l.dpo ORDER BY l.id), '{}'), coalesce(array_agg(l.cp ORDER BY l.id), '{}'),
         coalesce(array_agg(l.cpo ORDER BY l.id), '{}'),
         coalesce(array_agg(l.udp ORDER BY l.id), '{}'), coalesce(array_agg(l.ucp ORDER BY l.id), '{}'),
         coalesce(max(greatest(l.dp, l.dpo, l.cp, l.cpo)), 0) >= ledger_overflow_watch()
  INTO acct_id, acct_ledger, acct_flags, acct_debits_pending, acct_debits_posted, acct_credits_pending,
       acct_credits_posted, acct_debits_due, acct_credits_due, may_overflow
  FROM (
    SELECT a.id, a.ledger, a.flags, a.debits_pending - coalesce(m.dp, 0) - coalesce(un.dp, 0) AS dp,
           a.debits_posted AS dpo, a.credits_pending - coalesce(m.cp, 0) - coalesce(un.cp, 0) AS cp,
           a.credits_posted AS cpo, coalesce(un.dp, 0) AS udp, coalesce(un.cp, 0) AS ucp
    FROM ledger_accounts a
    LEFT JOIN unnest(marked.ids, marked.dps, marked.cps) m(id, dp, cp) ON m.id = a.id
    LEFT JOIN unnest(unmarked_id, unmarked_debits, unmarked_credits) un(id, dp, cp) ON un.id = a.id
    WHERE a.id = ANY (touched)
    ORDER BY a.id
    FOR UPDATE OF a
  ) l;
END $$;

-- Per event of a batch, in one query, all that can be known before the events are applied in
-- order: the checks that depend only on the request and its accounts, the stored transfer with
-- its id (exists_status: null when there is none), whether its id failed before, and the stored
-- pending transfer it names (the pending_* columns). *_acct: indexes into the p_acct_* arrays.
-- passes_up_front: a new transfer that passes every check but the balance ones (nearly every hold).
CREATE OR REPLACE FUNCTION ledger_batch_events(
  p_id uuid[], p_debit uuid[], p_credit uuid[], p_amount numeric[], p_pending uuid[],
  p_ud128 uuid[], p_ud64 numeric[], p_ud32 bigint[], p_timeout bigint[], p_ledger bigint[],
  p_code integer[], p_flags integer[], p_timestamp bigint[],
  p_acct_id uuid[], p_acct_ledger bigint[], p_acct_flags integer[], p_ts_base bigint, p_due_ns bigint)
RETURNS TABLE (
  ord bigint, flags integer, amount numeric, debit_acct integer, credit_acct integer,
  header_status integer, request_status integer, exists_status integer, exists_timestamp bigint,
  id_failed boolean, timeout_overflows boolean,
  pending_found boolean, pending_flags integer, pending_debit uuid, pending_credit uuid, pending_amount numeric,
  pending_ud128 uuid, pending_ud64 numeric, pending_ud32 bigint, pending_ledger bigint, pending_code integer,
  pending_status smallint, pending_expires bigint, pending_debit_acct integer, pending_credit_acct integer,
  passes_up_front boolean)
LANGUAGE sql STABLE AS $$
  SELECT m.*,
         m.header_status = ledger_status_created() AND m.request_status = ledger_status_created()
         AND m.exists_status IS NULL AND NOT m.id_failed AND NOT ledger_has_flag(m.flags, ledger_flags_post_or_void())
         AND NOT (m.timeout_overflows AND ledger_has_flag(m.flags, ledger_flag_pending()))
  FROM (
    SELECT ev.ord, ev.flags, ev.amount, coalesce(ev.dai, 0)::integer AS debit_acct,
           coalesce(ev.cai, 0)::integer AS credit_acct,
           ledger_transfer_header_status(ev.id, ev.flags, ev.ts) AS header_status,
           ledger_transfer_request_status(ev.id, ev.dr, ev.cr, ev.pid, ev.timeout, ev.ledger, ev.code, ev.flags,
                                          ev.dai IS NOT NULL, ev.cai IS NOT NULL, ev.dledger, ev.cledger)
             AS request_status,
           CASE WHEN x.id IS NOT NULL THEN
             ledger_transfer_exists_status(
               ev.flags, ev.pid, ev.timeout, ev.dr, ev.cr, ev.amount, ev.ud128, ev.ud64, ev.ud32, ev.ledger, ev.code,
               x.flags, x.pending_id, x.timeout, x.debit_account_id, x.credit_account_id, x.amount, x.user_data_128,
               x.user_data_64, x.user_data_32, x.ledger, x.code,
               q.amount, q.user_data_128, q.user_data_64, q.user_data_32)
           END AS exists_status,
           x.timestamp AS exists_timestamp, f.id IS NOT NULL AS id_failed,
           ledger_timeout_overflows(p_ts_base + ev.ord, ev.timeout) AS timeout_overflows,
           q.id IS NOT NULL AS pending_found, q.flags AS pending_flags, q.debit_account_id AS pending_debit,
           q.credit_account_id AS pending_credit, q.amount AS pending_amount, q.user_data_128 AS pending_ud128,
           q.user_data_64 AS pending_ud64, q.user_data_32 AS pending_ud32, q.ledger AS pending_ledger,
           q.code AS pending_code,
           -- (Due by the end of the batch is expired, marked or not.)
           CASE WHEN q.pending_status = ledger_pending_status_pending() AND q.expires_at <= p_due_ns
                THEN ledger_pending_status_expired()::smallint ELSE q.pending_status END AS pending_status,
           q.expires_at AS pending_expires, coalesce(qd.ai, 0)::integer AS pending_debit_acct,
           coalesce(qc.ai, 0)::integer AS pending_credit_acct
    FROM (
      -- Events with their accounts' indexes; OFFSET 0 keeps this a unit the probes below run on.
      SELECT ev.*, d.ai AS dai, d.ledger AS dledger, c.ai AS cai, c.ledger AS cledger
      FROM unnest(p_id, p_debit, p_credit, p_amount, p_pending, p_ud128, p_ud64, p_ud32, p_timeout, p_ledger,
                  p_code, p_flags, p_timestamp)
           WITH ORDINALITY AS ev(id, dr, cr, amount, pid, ud128, ud64, ud32, timeout, ledger, code, flags, ts, ord)
      LEFT JOIN unnest(p_acct_id, p_acct_ledger, p_acct_flags) WITH ORDINALITY d(id, ledger, flags, ai) ON d.id = ev.dr
      LEFT JOIN unnest(p_acct_id, p_acct_ledger, p_acct_flags) WITH ORDINALITY c(id, ledger, flags, ai) ON c.id = ev.cr
      OFFSET 0
    ) ev
    -- (= ANY: one index scan fetches every stored transfer the batch names; OFFSET 0 keeps the
    -- planner from turning it into a scan of the whole, ever-growing table.)
    LEFT JOIN (SELECT * FROM ledger_transfers WHERE id = ANY (p_id) OFFSET 0) x ON x.id = ev.id
    LEFT JOIN (SELECT id FROM ledger_failed_transfers WHERE id = ANY (p_id) OFFSET 0) f ON f.id = ev.id
    LEFT JOIN (SELECT * FROM ledger_transfers
               WHERE id = ANY (ARRAY(SELECT DISTINCT u FROM unnest(p_pending) u WHERE u <> ledger_id_zero()))
               OFFSET 0) q
           ON q.id = ev.pid AND ledger_has_flag(ev.flags, ledger_flags_post_or_void())
    LEFT JOIN unnest(p_acct_id) WITH ORDINALITY qd(id, ai) ON qd.id = q.debit_account_id
    LEFT JOIN unnest(p_acct_id) WITH ORDINALITY qc(id, ai) ON qc.id = q.credit_account_id
  ) m
$$;

-- Stores the transfers a batch made (p_effect not none), each at its timestamp; a pending one
-- with its pending status (a later event of the batch may have posted or voided it) and expiry.
CREATE OR REPLACE FUNCTION ledger_store_transfers(
  p_ts_base bigint, p_id uuid[], p_debit uuid[], p_credit uuid[], p_amount numeric[], p_pending uuid[],
  p_ud128 uuid[], p_ud64 numeric[], p_ud32 bigint[], p_timeout bigint[], p_ledger bigint[], p_code integer[],
  p_flags integer[], p_effect smallint[], p_pending_status smallint[])
RETURNS void
LANGUAGE plpgsql
SET jit = off
SET enable_seqscan = off
SET enable_nestloop = off
SET join_collapse_limit = 1
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
  INSERT INTO ledger_transfers
  SELECT v.id, v.debit, v.credit, v.amount, v.pending, v.ud128, v.ud64, v.ud32, v.timeout, v.ledger,
         v.code, v.flags, p_ts_base + v.ord,
         CASE WHEN v.effect = ledger_effect_made_pending() THEN v.pstat ELSE ledger_pending_status_none() END,
         CASE WHEN v.effect = ledger_effect_made_pending() THEN ledger_hold_expires_at(p_ts_base + v.ord, v.timeout) END
  FROM unnest(p_id, p_debit, p_credit, p_amount, p_pending, p_ud128, p_ud64, p_ud32, p_timeout,
              p_ledger, p_code, p_flags, p_effect, p_pending_status)
       WITH ORDINALITY v(id, debit, credit, amount, pending, ud128, ud64, ud32, timeout, ledger, code, flags, effect,
                         pstat, ord)
  WHERE v.effect <> ledger_effect_none();
END $$;

-- Writes the new pending status of each stored pending transfer a batch posted or voided:
-- p_status holds it at the index of the first event naming it (none elsewhere).
CREATE OR REPLACE FUNCTION ledger_store_pending_statuses(p_pending uuid[], p_status smallint[])
RETURNS void
LANGUAGE plpgsql
SET jit = off
SET enable_seqscan = off
SET enable_nestloop = off
SET join_collapse_limit = 1
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
  -- (= ANY (ids): index probes, never a table scan.)
  UPDATE ledger_transfers t SET pending_status = u.ps
  FROM unnest(p_pending, p_status) u(id, ps)
  WHERE t.id = ANY (ARRAY(SELECT c.id FROM unnest(p_pending, p_status) c(id, ps)
                          WHERE c.ps <> ledger_pending_status_none()))
    AND t.id = u.id AND u.ps <> ledger_pending_status_none() AND t.pending_status <> u.ps;
END $$;

-- Writes each changed account of a batch once (all locked since they were read). Due holds not
-- marked yet stay in the stored pending balances (p_*_due), as their rows still say pending.
CREATE OR REPLACE FUNCTION ledger_store_balances(
  p_acct_id uuid[], p_debits_pending numeric[], p_debits_posted numeric[], p_credits_pending numeric[],
  p_credits_posted numeric[], p_debits_due numeric[], p_credits_due numeric[])
RETURNS void
LANGUAGE plpgsql
SET jit = off
SET enable_seqscan = off
SET enable_nestloop = off
SET join_collapse_limit = 1
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
  UPDATE ledger_accounts a
  SET debits_pending = u.dp, debits_posted = u.dpo, credits_pending = u.cp, credits_posted = u.cpo
  FROM (SELECT v.id, v.dp + v.udp AS dp, v.dpo, v.cp + v.ucp AS cp, v.cpo
        FROM unnest(p_acct_id, p_debits_pending, p_debits_posted, p_credits_pending, p_credits_posted,
                    p_debits_due, p_credits_due) v(id, dp, dpo, cp, cpo, udp, ucp)) u
  WHERE a.id = ANY (p_acct_id) AND a.id = u.id
    AND (a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted)
        IS DISTINCT FROM (u.dp, u.dpo, u.cp, u.cpo);
END $$;

-- Records the ids that failed transiently: they answer id_already_failed ever after.
CREATE OR REPLACE FUNCTION ledger_store_failed_ids(p_id uuid[], p_failed boolean[])
RETURNS void
LANGUAGE plpgsql
SET jit = off
SET enable_seqscan = off
SET enable_nestloop = off
SET join_collapse_limit = 1
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
  INSERT INTO ledger_failed_transfers
  SELECT u.id FROM unnest(p_id, p_failed) u(id, f) WHERE u.f ON CONFLICT DO NOTHING;
END $$;

-- ---------------------------------------------------------------------------------------------
-- create_transfers, as in 0012 (see 0003 for the design). One call, one batch: it reserves the
-- batch's timestamps, locks and loads the accounts, reads what can be known up front, applies the
-- events in order in memory (balances, chains, ids made earlier in the batch), then writes every
-- change set-based: a hot account is written once per batch.
CREATE OR REPLACE FUNCTION ledger_create_transfers(
  p_id uuid[], p_debit uuid[], p_credit uuid[], p_amount numeric[], p_pending uuid[],
  p_ud128 uuid[], p_ud64 numeric[], p_ud32 bigint[], p_timeout bigint[], p_ledger bigint[],
  p_code integer[], p_flags integer[], p_timestamp bigint[],
  OUT statuses integer[], OUT timestamps bigint[])
LANGUAGE plpgsql
-- A batch touches a few rows of tables that only grow: every table access must be an index
-- scan (a scan that tests each row against a batch-sized id list costs rows × batch), and every
-- join a hash or merge join (a nested loop over two batch-sized lists costs batch²). With both
-- ruled out, the cached generic plans are as good as fresh ones and each call skips planning
-- (plan_cache_mode makes sure they are used: see the top). Joins go in the order written. No
-- JIT: the planner's row guesses for joined arrays are huge, which would make it spend a second
-- compiling what runs in milliseconds.
SET jit = off
SET enable_seqscan = off
SET enable_nestloop = off
SET join_collapse_limit = 1
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  n integer := coalesce(cardinality(p_id), 0);
  ts_base bigint; -- event i's timestamp is ts_base + i
  due_ns bigint;  -- holds due by the end of the batch count as expired
  ev record;      -- event i as ledger_batch_events saw it
  link record;
  -- The accounts the batch touches, by index: balances as of now (see ledger_lock_accounts).
  acct_id uuid[]; acct_ledger bigint[]; acct_flags integer[];
  acct_debits_pending numeric[]; acct_debits_posted numeric[]; acct_credits_pending numeric[];
  acct_credits_posted numeric[]; acct_debits_due numeric[]; acct_credits_due numeric[];
  -- Until an amount or a balance the batch touches reaches ledger_overflow_watch(), events skip
  -- the overflow checks. Balances grow event by event, so this is re-read after each one that
  -- moved one.
  may_overflow boolean;
  -- Per event, by index:
  effect smallint[];              -- what it did (ledger_effect_*)
  failed_transiently boolean[];   -- its id is to be recorded as failed
  prev_same_id integer[];         -- the last earlier event with its id (0: none)
  prev_pending integer[];         -- the last earlier event whose id is its pending id (0: none)
  -- Where the batch keeps the new status of the stored pending transfer it names: at the first
  -- event naming it (status_slot), in stored_pending_status (none: unchanged).
  status_slot integer[]; stored_pending_status smallint[];
  made_pending_status smallint[]; -- pending transfers made in the batch: their status now
  pending_event_of integer[];     -- a post/void's pending transfer, if made in the batch (0: stored)
  -- The transfer it stores, its fields resolved (a post's or void's zero ones from its pending
  -- transfer): accounts, by index too, and the pending amount a post or void released.
  row_debit uuid[]; row_credit uuid[]; row_amount numeric[]; row_ud128 uuid[]; row_ud64 numeric[];
  row_ud32 bigint[]; row_ledger bigint[]; row_code integer[]; row_debit_acct integer[]; row_credit_acct integer[];
  row_released numeric[];
  -- Event i:
  i integer; j integer; dr integer; cr integer; status integer; event_flags integer; event_amount numeric;
  linked boolean; is_new boolean; id_failed_before boolean; new_pending_status smallint; undone smallint;
  same_id_event integer; -- the last earlier event of the batch that made its id (0: none)
  pending_event integer; -- the last earlier event of the batch that made its pending id (0: none)
  chain_start integer := 0; chain_broken boolean := false;
  -- The pending transfer a post or void names, as of this event.
  pending_found boolean; pending_flags integer; pending_debit uuid; pending_credit uuid; pending_amount numeric;
  pending_ud128 uuid; pending_ud64 numeric; pending_ud32 bigint; pending_ledger bigint; pending_code integer;
  pending_debit_acct integer; pending_credit_acct integer; pending_status smallint; pending_expires bigint;
BEGIN
  IF n = 0 THEN statuses := '{}'; timestamps := '{}'; RETURN; END IF;
  IF EXISTS (SELECT 1 FROM unnest(p_flags) f WHERE ledger_has_flag(f, ledger_flags_unsupported())) THEN
    RAISE EXCEPTION 'ledger: balancing, closing and imported transfers are not supported';
  END IF;
  ts_base := ledger_tick(n);
  due_ns := ts_base + n;

  SELECT * INTO acct_id, acct_ledger, acct_flags, acct_debits_pending, acct_debits_posted, acct_credits_pending,
                acct_credits_posted, acct_debits_due, acct_credits_due, may_overflow
  FROM ledger_lock_accounts(p_debit, p_credit, p_pending, due_ns);
  -- (A post's amount_max means "the pending amount": it never adds to a balance as such.)
  may_overflow := may_overflow OR coalesce((SELECT max(u.x) >= ledger_overflow_watch()
                                            FROM unnest(p_amount, p_flags) u(x, f)
                                            WHERE NOT ledger_has_flag(u.f, ledger_flags_post_or_void())), false);

  effect := array_fill(ledger_effect_none()::smallint, ARRAY[n]); failed_transiently := array_fill(false, ARRAY[n]);
  prev_same_id := array_fill(0, ARRAY[n]); prev_pending := array_fill(0, ARRAY[n]);
  status_slot := array_fill(0, ARRAY[n]); pending_event_of := array_fill(0, ARRAY[n]);
  made_pending_status := array_fill(ledger_pending_status_none()::smallint, ARRAY[n]);
  stored_pending_status := array_fill(ledger_pending_status_none()::smallint, ARRAY[n]);
  row_debit := p_debit; row_credit := p_credit; row_amount := p_amount; row_ud128 := p_ud128;
  row_ud64 := p_ud64; row_ud32 := p_ud32; row_ledger := p_ledger; row_code := p_code;
  row_debit_acct := array_fill(0, ARRAY[n]); row_credit_acct := array_fill(0, ARRAY[n]);
  row_released := array_fill(0::numeric, ARRAY[n]);
  statuses := array_fill(ledger_status_created(), ARRAY[n]);
  timestamps := ARRAY(SELECT ts_base + g FROM generate_series(1, n) g); -- exists answers the first one

  FOR link IN SELECT * FROM ledger_batch_links(p_id, p_pending) LOOP
    prev_same_id[link.ord] := coalesce(link.prev_same_id, 0); prev_pending[link.ord] := coalesce(link.prev_pending, 0);
    status_slot[link.ord] := coalesce(link.first_same_pending, 0);
  END LOOP;

  FOR ev IN
    SELECT * FROM ledger_batch_events(p_id, p_debit, p_credit, p_amount, p_pending, p_ud128, p_ud64, p_ud32,
                                      p_timeout, p_ledger, p_code, p_flags, p_timestamp, acct_id, acct_ledger,
                                      acct_flags, ts_base, due_ns) e
    ORDER BY e.ord
  LOOP
    i := ev.ord; event_flags := ev.flags;
    linked := ledger_has_flag(event_flags, ledger_flag_linked());
    IF linked AND chain_start = 0 THEN chain_start := i; END IF;
    is_new := false;
    IF ev.passes_up_front AND NOT may_overflow AND prev_same_id[i] = 0 AND NOT chain_broken
       AND NOT (linked AND i = n) THEN
      is_new := true; -- only the balances decide
    ELSIF linked AND i = n THEN status := ledger_status_linked_event_chain_open();
    ELSIF chain_broken THEN status := ledger_status_linked_event_failed();
    ELSIF ev.header_status <> ledger_status_created() THEN status := ev.header_status;
    ELSE
      -- Did an earlier event of this batch make (or transiently fail) this id?
      same_id_event := 0; id_failed_before := ev.id_failed; j := prev_same_id[i];
      WHILE j > 0 LOOP
        IF effect[j] <> ledger_effect_none() THEN same_id_event := j; EXIT; END IF;
        id_failed_before := id_failed_before OR failed_transiently[j];
        j := prev_same_id[j];
      END LOOP;

      IF ledger_has_flag(event_flags, ledger_flags_post_or_void()) THEN
        -- The pending transfer named, as of this event: made earlier in this batch, or stored (with
        -- the status an earlier event of this batch gave it).
        pending_event := 0; j := prev_pending[i];
        WHILE j > 0 LOOP
          IF effect[j] <> ledger_effect_none() THEN pending_event := j; EXIT; END IF;
          j := prev_same_id[j];
        END LOOP;
        IF status_slot[i] = 0 THEN status_slot[i] := i; END IF;
        pending_found := pending_event > 0 OR ev.pending_found;
        IF pending_event > 0 THEN
          pending_flags := p_flags[pending_event]; pending_debit := row_debit[pending_event];
          pending_credit := row_credit[pending_event]; pending_amount := row_amount[pending_event];
          pending_ud128 := row_ud128[pending_event]; pending_ud64 := row_ud64[pending_event];
          pending_ud32 := row_ud32[pending_event]; pending_ledger := row_ledger[pending_event];
          pending_code := row_code[pending_event]; pending_debit_acct := row_debit_acct[pending_event];
          pending_credit_acct := row_credit_acct[pending_event]; pending_status := made_pending_status[pending_event];
          pending_expires := ledger_hold_expires_at(ts_base + pending_event, p_timeout[pending_event]);
        ELSIF ev.pending_found THEN
          pending_flags := ev.pending_flags; pending_debit := ev.pending_debit; pending_credit := ev.pending_credit;
          pending_amount := ev.pending_amount; pending_ud128 := ev.pending_ud128; pending_ud64 := ev.pending_ud64;
          pending_ud32 := ev.pending_ud32; pending_ledger := ev.pending_ledger; pending_code := ev.pending_code;
          pending_debit_acct := ev.pending_debit_acct; pending_credit_acct := ev.pending_credit_acct;
          pending_expires := ev.pending_expires;
          pending_status := CASE WHEN stored_pending_status[status_slot[i]] <> ledger_pending_status_none()
                                 THEN stored_pending_status[status_slot[i]] ELSE ev.pending_status END;
        END IF;
      END IF;

      IF ev.exists_status IS NOT NULL THEN -- stored under this id
        status := ev.exists_status;
        IF status = ledger_status_exists() THEN timestamps[i] := ev.exists_timestamp; END IF;
      ELSIF same_id_event > 0 THEN -- made earlier in this batch: compare with what that event stores
        status := ledger_transfer_exists_status(
          event_flags, p_pending[i], p_timeout[i], p_debit[i], p_credit[i], p_amount[i], p_ud128[i], p_ud64[i],
          p_ud32[i], p_ledger[i], p_code[i],
          p_flags[same_id_event], p_pending[same_id_event], p_timeout[same_id_event], row_debit[same_id_event],
          row_credit[same_id_event], row_amount[same_id_event], row_ud128[same_id_event], row_ud64[same_id_event],
          row_ud32[same_id_event], row_ledger[same_id_event], row_code[same_id_event],
          pending_amount, pending_ud128, pending_ud64, pending_ud32);
        IF status = ledger_status_exists() THEN timestamps[i] := ts_base + same_id_event; END IF;
      ELSIF id_failed_before THEN status := ledger_status_id_already_failed();
      ELSIF ev.request_status <> ledger_status_created() THEN status := ev.request_status;
      ELSIF ledger_has_flag(event_flags, ledger_flags_post_or_void()) THEN
        event_amount := ledger_post_or_void_amount(event_flags, p_amount[i], pending_amount);
        status := ledger_post_or_void_status(
          event_flags, p_debit[i], p_credit[i], p_ledger[i], p_code[i], event_amount, ts_base + i,
          pending_found, pending_flags, pending_debit, pending_credit, pending_ledger, pending_code, pending_amount,
          pending_status, pending_expires);
        IF status = ledger_status_created() THEN -- post or void it: release the hold, post what is posted
          new_pending_status := CASE WHEN ledger_has_flag(event_flags, ledger_flag_post_pending_transfer())
                                     THEN ledger_pending_status_posted() ELSE ledger_pending_status_voided() END;
          IF pending_event > 0 THEN
            made_pending_status[pending_event] := new_pending_status;
          ELSE
            stored_pending_status[status_slot[i]] := new_pending_status;
          END IF;
          pending_event_of[i] := pending_event;
          dr := pending_debit_acct; cr := pending_credit_acct;
          acct_debits_pending[dr] := acct_debits_pending[dr] - pending_amount;
          acct_credits_pending[cr] := acct_credits_pending[cr] - pending_amount;
          IF new_pending_status = ledger_pending_status_posted() THEN
            acct_debits_posted[dr] := acct_debits_posted[dr] + event_amount;
            acct_credits_posted[cr] := acct_credits_posted[cr] + event_amount;
            effect[i] := ledger_effect_posted_pending();
          ELSE
            effect[i] := ledger_effect_voided_pending();
          END IF;
          row_debit[i] := pending_debit; row_credit[i] := pending_credit; row_amount[i] := event_amount;
          row_released[i] := pending_amount;
          IF p_ud128[i] = ledger_id_zero() THEN row_ud128[i] := pending_ud128; END IF;
          IF p_ud64[i] = 0 THEN row_ud64[i] := pending_ud64; END IF;
          IF p_ud32[i] = 0 THEN row_ud32[i] := pending_ud32; END IF;
          row_ledger[i] := pending_ledger; row_code[i] := pending_code;
          row_debit_acct[i] := dr; row_credit_acct[i] := cr;
        END IF;
      ELSE
        is_new := true;
      END IF;
    END IF;

    IF is_new THEN -- a new pending or posted transfer: the checks on its balances, then apply it
      dr := ev.debit_acct; cr := ev.credit_acct; event_amount := ev.amount;
      status := ledger_new_transfer_status(
        may_overflow, event_flags, event_amount, ev.timeout_overflows,
        acct_flags[dr], acct_debits_pending[dr], acct_debits_posted[dr], acct_credits_posted[dr],
        acct_flags[cr], acct_credits_pending[cr], acct_credits_posted[cr], acct_debits_posted[cr]);
      IF status = ledger_status_created() THEN
        IF ledger_has_flag(event_flags, ledger_flag_pending()) THEN
          effect[i] := ledger_effect_made_pending(); made_pending_status[i] := ledger_pending_status_pending();
          acct_debits_pending[dr] := acct_debits_pending[dr] + event_amount;
          acct_credits_pending[cr] := acct_credits_pending[cr] + event_amount;
        ELSE
          effect[i] := ledger_effect_made_posted();
          acct_debits_posted[dr] := acct_debits_posted[dr] + event_amount;
          acct_credits_posted[cr] := acct_credits_posted[cr] + event_amount;
        END IF;
        row_debit_acct[i] := dr; row_credit_acct[i] := cr;
      END IF;
    END IF;

    IF status <> ledger_status_created() THEN
      IF chain_start > 0 AND NOT chain_broken THEN
        chain_broken := true; -- roll the chain back, newest first: its earlier events fail with it
        FOR j IN REVERSE i - 1 .. chain_start LOOP
          undone := effect[j]; dr := row_debit_acct[j]; cr := row_credit_acct[j];
          IF undone = ledger_effect_made_pending() THEN
            acct_debits_pending[dr] := acct_debits_pending[dr] - row_amount[j];
            acct_credits_pending[cr] := acct_credits_pending[cr] - row_amount[j];
          ELSIF undone = ledger_effect_made_posted() THEN
            acct_debits_posted[dr] := acct_debits_posted[dr] - row_amount[j];
            acct_credits_posted[cr] := acct_credits_posted[cr] - row_amount[j];
          ELSIF undone IN (ledger_effect_posted_pending(), ledger_effect_voided_pending()) THEN
            acct_debits_pending[dr] := acct_debits_pending[dr] + row_released[j];
            acct_credits_pending[cr] := acct_credits_pending[cr] + row_released[j];
            IF undone = ledger_effect_posted_pending() THEN
              acct_debits_posted[dr] := acct_debits_posted[dr] - row_amount[j];
              acct_credits_posted[cr] := acct_credits_posted[cr] - row_amount[j];
            END IF;
            IF pending_event_of[j] > 0 THEN
              made_pending_status[pending_event_of[j]] := ledger_pending_status_pending();
            ELSE
              stored_pending_status[status_slot[j]] := ledger_pending_status_pending();
            END IF;
          END IF;
          effect[j] := ledger_effect_none(); statuses[j] := ledger_status_linked_event_failed();
        END LOOP;
      END IF;
      IF ledger_status_is_transient(status) THEN failed_transiently[i] := true; END IF;
    END IF;
    statuses[i] := status;
    IF status = ledger_status_created() AND effect[i] <> ledger_effect_none() AND NOT may_overflow
       AND greatest(acct_debits_pending[row_debit_acct[i]], acct_debits_posted[row_debit_acct[i]],
                    acct_credits_pending[row_credit_acct[i]], acct_credits_posted[row_credit_acct[i]])
           >= ledger_overflow_watch() THEN
      may_overflow := true;
    END IF;
    IF chain_start > 0 AND (NOT linked OR status = ledger_status_linked_event_chain_open()) THEN
      chain_start := 0; chain_broken := false;
    END IF;
  END LOOP;

  PERFORM ledger_store_transfers(ts_base, p_id, row_debit, row_credit, row_amount, p_pending, row_ud128, row_ud64,
                                 row_ud32, p_timeout, row_ledger, row_code, p_flags, effect, made_pending_status);
  PERFORM ledger_store_pending_statuses(p_pending, stored_pending_status);
  PERFORM ledger_store_balances(acct_id, acct_debits_pending, acct_debits_posted, acct_credits_pending,
                                acct_credits_posted, acct_debits_due, acct_credits_due);
  PERFORM ledger_store_failed_ids(p_id, failed_transiently);
END $$;

-- ---------------------------------------------------------------------------------------------
-- create_accounts, as in 0003, with the same kind of checks named.

-- The checks TigerBeetle makes before it looks the account's id up.
CREATE OR REPLACE FUNCTION ledger_account_header_status(p_id uuid, p_flags integer, p_reserved integer,
  p_timestamp bigint)
RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_timestamp <> 0 THEN ledger_account_status_timestamp_must_be_zero()
              WHEN p_reserved <> 0 THEN ledger_account_status_reserved_field()
              WHEN (p_flags & ~ledger_account_flags_defined()) <> 0 THEN ledger_account_status_reserved_flag()
              WHEN p_id = ledger_id_zero() THEN ledger_account_status_id_must_not_be_zero()
              WHEN p_id = ledger_id_max() THEN ledger_account_status_id_must_not_be_int_max()
              ELSE ledger_account_status_created() END
$$;

-- An account asked for under an id already taken (stored, or made earlier in the same batch):
-- `exists` when it asks for the same account, or the first field that differs.
CREATE OR REPLACE FUNCTION ledger_account_exists_status(
  asked_flags integer, asked_ud128 uuid, asked_ud64 numeric, asked_ud32 bigint, asked_ledger bigint,
  asked_code integer,
  stored_flags integer, stored_ud128 uuid, stored_ud64 numeric, stored_ud32 bigint, stored_ledger bigint,
  stored_code integer)
RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN asked_flags <> stored_flags THEN ledger_account_status_exists_with_different_flags()
              WHEN asked_ud128 <> stored_ud128 THEN ledger_account_status_exists_with_different_user_data_128()
              WHEN asked_ud64 <> stored_ud64 THEN ledger_account_status_exists_with_different_user_data_64()
              WHEN asked_ud32 <> stored_ud32 THEN ledger_account_status_exists_with_different_user_data_32()
              WHEN asked_ledger <> stored_ledger THEN ledger_account_status_exists_with_different_ledger()
              WHEN asked_code <> stored_code THEN ledger_account_status_exists_with_different_code()
              ELSE ledger_account_status_exists() END
$$;

-- The checks of a new account: flags that exclude each other, balances that must start at zero,
-- ledger and code.
CREATE OR REPLACE FUNCTION ledger_account_request_status(
  p_flags integer, p_debits_pending numeric, p_debits_posted numeric, p_credits_pending numeric,
  p_credits_posted numeric, p_ledger bigint, p_code integer)
RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN ledger_has_flag(p_flags, ledger_account_flag_debits_must_not_exceed_credits())
                   AND ledger_has_flag(p_flags, ledger_account_flag_credits_must_not_exceed_debits())
                THEN ledger_account_status_flags_are_mutually_exclusive()
              WHEN p_debits_pending <> 0 THEN ledger_account_status_debits_pending_must_be_zero()
              WHEN p_debits_posted <> 0 THEN ledger_account_status_debits_posted_must_be_zero()
              WHEN p_credits_pending <> 0 THEN ledger_account_status_credits_pending_must_be_zero()
              WHEN p_credits_posted <> 0 THEN ledger_account_status_credits_posted_must_be_zero()
              WHEN p_ledger = 0 THEN ledger_account_status_ledger_must_not_be_zero()
              WHEN p_code = 0 THEN ledger_account_status_code_must_not_be_zero()
              ELSE ledger_account_status_created() END
$$;

CREATE OR REPLACE FUNCTION ledger_create_accounts(
  p_id uuid[], p_dp numeric[], p_dpo numeric[], p_cp numeric[], p_cpo numeric[], p_ud128 uuid[],
  p_ud64 numeric[], p_ud32 bigint[], p_reserved integer[], p_ledger bigint[], p_code integer[],
  p_flags integer[], p_timestamp bigint[], OUT statuses integer[], OUT timestamps bigint[])
LANGUAGE plpgsql
-- (Index scans and hash joins only, no JIT: see ledger_create_transfers.)
SET jit = off
SET enable_seqscan = off
SET enable_nestloop = off
SET join_collapse_limit = 1
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  n integer := coalesce(cardinality(p_id), 0);
  ts_base bigint; -- event i's timestamp is ts_base + i
  -- One slot per distinct id of the batch, in id order: the account stored under it, if any,
  -- and the event of this batch that made it (0: none yet). event_slot: each event's slot.
  slot_id uuid[]; slot_stored boolean[]; slot_flags integer[]; slot_ud128 uuid[]; slot_ud64 numeric[];
  slot_ud32 bigint[]; slot_ledger bigint[]; slot_code integer[]; slot_timestamp bigint[]; slot_made_by integer[];
  event_slot integer[];
  made boolean[] := array_fill(false, ARRAY[n]); -- the events whose account is stored at the end
  i integer; j integer; slot integer; made_by integer; status integer; event_flags integer;
  chain_start integer := 0; chain_broken boolean := false; linked boolean;
  -- The account already under event i's id (made earlier in this batch, or stored).
  existing_flags integer; existing_ud128 uuid; existing_ud64 numeric; existing_ud32 bigint; existing_ledger bigint;
  existing_code integer; existing_timestamp bigint;
BEGIN
  IF n = 0 THEN statuses := '{}'; timestamps := '{}'; RETURN; END IF;
  IF EXISTS (SELECT 1 FROM unnest(p_flags) f WHERE ledger_has_flag(f, ledger_account_flags_unsupported())) THEN
    RAISE EXCEPTION 'ledger: imported/closed accounts are not supported';
  END IF;
  ts_base := ledger_tick(n);
  WITH g AS (SELECT DISTINCT x AS id FROM unnest(p_id) x)
  SELECT array_agg(g.id ORDER BY g.id), array_agg(a.id IS NOT NULL ORDER BY g.id),
         array_agg(a.flags ORDER BY g.id), array_agg(a.user_data_128 ORDER BY g.id),
         array_agg(a.user_data_64 ORDER BY g.id), array_agg(a.user_data_32 ORDER BY g.id),
         array_agg(a.ledger ORDER BY g.id), array_agg(a.code ORDER BY g.id),
         array_agg(a.timestamp ORDER BY g.id), array_agg(0 ORDER BY g.id)
  INTO slot_id, slot_stored, slot_flags, slot_ud128, slot_ud64, slot_ud32, slot_ledger, slot_code, slot_timestamp,
       slot_made_by
  FROM g LEFT JOIN (SELECT * FROM ledger_accounts WHERE id = ANY (p_id) OFFSET 0) a ON a.id = g.id;
  SELECT array_agg(s.slot ORDER BY e.ord) INTO event_slot
  FROM unnest(p_id) WITH ORDINALITY e(id, ord)
  JOIN unnest(slot_id) WITH ORDINALITY s(id, slot) ON s.id = e.id;
  statuses := array_fill(ledger_account_status_created(), ARRAY[n]);
  timestamps := array_fill(0::bigint, ARRAY[n]);

  FOR i IN 1..n LOOP
    event_flags := p_flags[i];
    linked := ledger_has_flag(event_flags, ledger_account_flag_linked());
    IF linked AND chain_start = 0 THEN chain_start := i; END IF;
    slot := event_slot[i];
    made_by := slot_made_by[slot];
    timestamps[i] := ts_base + i;
    IF linked AND i = n THEN status := ledger_account_status_linked_event_chain_open();
    ELSIF chain_broken THEN status := ledger_account_status_linked_event_failed();
    ELSE
      status := ledger_account_header_status(p_id[i], event_flags, p_reserved[i], p_timestamp[i]);
      IF status <> ledger_account_status_created() THEN
        NULL; -- refused before its id is looked up
      ELSIF made_by > 0 OR slot_stored[slot] THEN -- the id is taken
        IF made_by > 0 THEN
          existing_flags := p_flags[made_by]; existing_ud128 := p_ud128[made_by]; existing_ud64 := p_ud64[made_by];
          existing_ud32 := p_ud32[made_by]; existing_ledger := p_ledger[made_by]; existing_code := p_code[made_by];
          existing_timestamp := ts_base + made_by;
        ELSE
          existing_flags := slot_flags[slot]; existing_ud128 := slot_ud128[slot]; existing_ud64 := slot_ud64[slot];
          existing_ud32 := slot_ud32[slot]; existing_ledger := slot_ledger[slot]; existing_code := slot_code[slot];
          existing_timestamp := slot_timestamp[slot];
        END IF;
        status := ledger_account_exists_status(
          event_flags, p_ud128[i], p_ud64[i], p_ud32[i], p_ledger[i], p_code[i],
          existing_flags, existing_ud128, existing_ud64, existing_ud32, existing_ledger, existing_code);
        IF status = ledger_account_status_exists() THEN timestamps[i] := existing_timestamp; END IF;
      ELSE
        status := ledger_account_request_status(event_flags, p_dp[i], p_dpo[i], p_cp[i], p_cpo[i], p_ledger[i],
                                                p_code[i]);
        IF status = ledger_account_status_created() THEN
          slot_made_by[slot] := i;
          made[i] := true;
        END IF;
      END IF;
    END IF;
    IF status <> ledger_account_status_created() AND chain_start > 0 AND NOT chain_broken THEN
      chain_broken := true; -- roll the chain back: its earlier events fail with it
      FOR j IN chain_start..i - 1 LOOP
        slot_made_by[event_slot[j]] := 0; made[j] := false; statuses[j] := ledger_account_status_linked_event_failed();
      END LOOP;
    END IF;
    statuses[i] := status;
    IF chain_start > 0 AND (NOT linked OR status = ledger_account_status_linked_event_chain_open()) THEN
      chain_start := 0; chain_broken := false;
    END IF;
  END LOOP;

  INSERT INTO ledger_accounts
  SELECT e.id, 0, 0, 0, 0, e.ud128, e.ud64, e.ud32, e.ledger, e.code, e.flags, ts_base + e.ord
  FROM unnest(p_id, p_ud128, p_ud64, p_ud32, p_ledger, p_code, p_flags, made)
       WITH ORDINALITY e(id, ud128, ud64, ud32, ledger, code, flags, made, ord)
  WHERE e.made;
END $$;

-- ---------------------------------------------------------------------------------------------
-- The hold-expiry functions of 0012, unchanged but for the named constants (and plans made once
-- per session). ledger_due_unmarked keeps its literals: see the top.

CREATE OR REPLACE FUNCTION ledger_expiring_add(p_debit uuid[], p_credit uuid[], p_amount numeric[], p_expires bigint[])
RETURNS void
LANGUAGE plpgsql
SET jit = off
SET enable_seqscan = off
SET enable_nestloop = off
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  negative integer; z_id uuid[]; z_ms bigint[];
BEGIN
  WITH d AS (
    SELECT u.id, u.ms, sum(u.dp) AS dp, sum(u.cp) AS cp FROM (
      SELECT x.dr AS id, x.ex / ledger_ns_per_ms() AS ms, x.amt AS dp, 0 AS cp
      FROM unnest(p_debit, p_credit, p_amount, p_expires) x(dr, cr, amt, ex) WHERE x.ex IS NOT NULL
      UNION ALL
      SELECT x.cr, x.ex / ledger_ns_per_ms(), 0, x.amt
      FROM unnest(p_debit, p_credit, p_amount, p_expires) x(dr, cr, amt, ex) WHERE x.ex IS NOT NULL) u
    GROUP BY u.id, u.ms
  ),
  up AS (
    INSERT INTO ledger_expiring AS e SELECT d.id, d.ms, d.dp, d.cp FROM d ORDER BY d.id, d.ms
    ON CONFLICT (account_id, ms) DO UPDATE
      SET debits = e.debits + excluded.debits, credits = e.credits + excluded.credits
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

CREATE OR REPLACE FUNCTION ledger_expiring_placed() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
  dr uuid[]; cr uuid[]; amt numeric[]; ex bigint[];
BEGIN
  SELECT array_agg(n.debit_account_id), array_agg(n.credit_account_id), array_agg(n.amount), array_agg(n.expires_at)
  INTO dr, cr, amt, ex
  FROM placed n WHERE n.pending_status = ledger_pending_status_pending() AND n.expires_at IS NOT NULL;
  IF dr IS NOT NULL THEN PERFORM ledger_expiring_add(dr, cr, amt, ex); END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION ledger_expiring_ended() RETURNS trigger
LANGUAGE plpgsql
SET enable_nestloop = off
AS $$
DECLARE
  dr uuid[]; cr uuid[]; amt numeric[]; ex bigint[];
BEGIN
  SELECT array_agg(o.debit_account_id), array_agg(o.credit_account_id),
         array_agg(CASE WHEN o.pending_status = ledger_pending_status_pending() THEN -o.amount ELSE o.amount END),
         array_agg(o.expires_at)
  INTO dr, cr, amt, ex
  FROM before_rows o JOIN after_rows n ON n.id = o.id
  WHERE (o.pending_status = ledger_pending_status_pending()) <> (n.pending_status = ledger_pending_status_pending())
    AND o.expires_at IS NOT NULL;
  IF dr IS NOT NULL THEN PERFORM ledger_expiring_add(dr, cr, amt, ex); END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION ledger_mark_expired(p_cutoff bigint, p_limit integer,
  OUT marked integer, OUT ids uuid[], OUT dps numeric[], OUT cps numeric[])
LANGUAGE plpgsql
SET jit = off
SET enable_seqscan = off
SET enable_nestloop = off
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  m_dr uuid[]; m_cr uuid[]; m_amt numeric[];
BEGIN
  WITH due AS (
    UPDATE ledger_transfers t SET pending_status = ledger_pending_status_expired()
    WHERE t.id = ANY (ARRAY(SELECT d.id FROM ledger_transfers d
                            WHERE d.pending_status = ledger_pending_status_pending() AND d.expires_at <= p_cutoff
                            ORDER BY d.expires_at LIMIT p_limit))
      AND t.pending_status = ledger_pending_status_pending()
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

-- Down Migration
-- Nothing: every function here answers as the one it replaced, and the helpers it added are
-- what they call. (The up migration is CREATE OR REPLACE throughout, so it may run again.)

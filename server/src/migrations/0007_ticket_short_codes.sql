-- Up Migration
-- A short code per ticket for typing at the door (the QR keeps the signed code): ten characters of
-- Crockford's base32, 50 random bits, unique. The server draws new codes itself; this function
-- backfills the tickets issued before, and is the column's default so that a server still running
-- the previous release during a rolling start keeps issuing tickets. Its bits come from
-- gen_random_uuid(), which PostgreSQL fills from its strong random source (pg_strong_random):
-- the first 12 and the 3 after the version digit are random hex, 60 bits, of which 50 are used.
CREATE FUNCTION ticket_short_code() RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  hex text := replace(gen_random_uuid()::text, '-', '');
  bits bit(60) := ('x' || substr(hex, 1, 12) || substr(hex, 14, 3))::bit(60);
  code text := '';
BEGIN
  FOR i IN 0..9 LOOP
    code := code || substr(alphabet, 1 + substring(bits FROM 1 + 5 * i FOR 5)::integer, 1);
  END LOOP;
  RETURN code;
END $$;

ALTER TABLE tickets ADD COLUMN short_code text;

UPDATE tickets SET short_code = ticket_short_code();

-- Two backfilled tickets that drew the same code (odds n²/2^51): the later one draws again.
DO $$
BEGIN
  LOOP
    UPDATE tickets SET short_code = ticket_short_code()
    WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY short_code ORDER BY id) AS n FROM tickets) d WHERE n > 1);
    EXIT WHEN NOT FOUND;
  END LOOP;
END $$;

ALTER TABLE tickets ALTER COLUMN short_code SET NOT NULL,
  ALTER COLUMN short_code SET DEFAULT ticket_short_code(),
  ADD CONSTRAINT tickets_short_code_key UNIQUE (short_code);

-- Down Migration
ALTER TABLE tickets DROP COLUMN short_code;
DROP FUNCTION ticket_short_code();

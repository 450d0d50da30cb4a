-- Up Migration
-- The shop's deadline for a payment session (its hold's end), shown on MockPay's page as a
-- countdown. Display only: the session itself stays completable until its own expires_at, like a
-- real provider's (a payment after the shop's deadline is the late-payment case).
ALTER TABLE mockpay_sessions ADD COLUMN pay_by timestamptz;

-- Down Migration
ALTER TABLE mockpay_sessions DROP COLUMN pay_by;

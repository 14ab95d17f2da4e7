-- Real gateways (issue 18): each order belongs to the channel that created it (the old
-- orders to the sandbox gateway) and counts what was refunded of it (pay = 3 once all of
-- it); the reconciliation task finds the unpaid ones by the new index; and a payment that
-- cannot be credited (its order was cancelled, or paid by another transaction) is kept in
-- pay_refund_due for the operators to refund.
ALTER TABLE user_order
  ADD COLUMN channel VARCHAR(16) NOT NULL DEFAULT 'sandbox' AFTER fee,
  ADD COLUMN refund_cents BIGINT NOT NULL DEFAULT 0 AFTER pay_time,
  ADD KEY idx_user_order_unpaid (pay, channel, order_time);

CREATE TABLE pay_refund_due (
  id             INT UNSIGNED   NOT NULL AUTO_INCREMENT,
  channel        VARCHAR(16)    NOT NULL,
  trade_no       VARBINARY(64)  NOT NULL,
  transaction_id VARBINARY(64)  NOT NULL,
  cents          BIGINT         NOT NULL,
  reason         VARCHAR(64)    NOT NULL,
  refunded       TINYINT        NOT NULL DEFAULT 0,
  create_time    DATETIME       NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_pay_refund_due (channel, transaction_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

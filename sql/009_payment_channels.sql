-- Real gateways (issue 18): each order belongs to the channel that created it (the old
-- orders to the sandbox gateway), and a payment that cannot be credited (its order was
-- cancelled, or paid by another transaction) is kept here for the operators to refund.
ALTER TABLE user_order
  ADD COLUMN channel VARCHAR(16) NOT NULL DEFAULT 'sandbox' AFTER fee;

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

-- Billing grace of App Store subscriptions (issue 19): when a renewal fails and the App
-- Store grants a grace period (DID_FAIL_TO_RENEW, subtype GRACE_PERIOD), the user keeps VIP
-- until grace_until. One row per subscription (originalTransactionId): the VIP time the
-- grace added (granted_seconds), so that its end (GRACE_PERIOD_EXPIRED, EXPIRED, a refund)
-- or a renewal (billing recovered) takes back what of it is still ahead and no more.
CREATE TABLE appstore_grace (
  original_transaction_id VARBINARY(64) NOT NULL,
  user_id                 INT UNSIGNED  NOT NULL,
  grace_until             DATETIME      NOT NULL,
  granted_seconds         BIGINT        NOT NULL,
  open                    TINYINT       NOT NULL DEFAULT 1,
  update_time             DATETIME      NOT NULL,
  PRIMARY KEY (original_transaction_id),
  KEY idx_appstore_grace_user (user_id, open, grace_until)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

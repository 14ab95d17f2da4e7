-- In-app purchases (issue 19): each user's appAccountToken (a stable random UUID the app
-- passes to StoreKit, so a transaction names the account that bought it) and whether the
-- App Store says their subscription renews; every App Store transaction credited, once,
-- with the VIP time it gave (a refund takes back only that); and the notifications
-- handled, by their UUID, so a resent one changes nothing.
CREATE TABLE appstore_account (
  user_id           INT UNSIGNED  NOT NULL,
  app_account_token VARBINARY(36) NOT NULL,
  auto_renew        TINYINT       NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id),
  UNIQUE KEY uk_appstore_account_token (app_account_token)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE appstore_transaction (
  transaction_id          VARBINARY(64) NOT NULL,
  original_transaction_id VARBINARY(64) NOT NULL,
  user_id                 INT UNSIGNED  NOT NULL,
  product_id              INT UNSIGNED  NOT NULL,
  purchase_time           DATETIME      NOT NULL,
  expires_time            DATETIME      NULL,
  granted_seconds         BIGINT        NOT NULL,
  revoked                 TINYINT       NOT NULL DEFAULT 0,
  create_time             DATETIME      NOT NULL,
  PRIMARY KEY (transaction_id),
  KEY idx_appstore_transaction_user (user_id, expires_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE appstore_notification (
  notification_uuid VARBINARY(64) NOT NULL,
  notification_type VARCHAR(32)   NOT NULL,
  subtype           VARCHAR(32)   NOT NULL DEFAULT '',
  create_time       DATETIME      NOT NULL,
  PRIMARY KEY (notification_uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

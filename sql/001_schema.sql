-- The twelve tables of the original service (SCHEMA-ORIGINAL.md), names kept so its data
-- can be migrated, with its mistakes fixed: utf8mb4 throughout, money as DECIMAL, album
-- and label tables keyed per row instead of per user, and the unique keys it lacked.
-- Times are DATETIME in UTC (every connection sets time_zone = '+00:00').

CREATE TABLE user_info (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
  email       VARCHAR(64)  NULL,
  nickname    VARCHAR(64)  NOT NULL DEFAULT '',
  phone       VARCHAR(20)  NULL,                  -- NULL once an account is deleted
  gender      TINYINT      NOT NULL DEFAULT 0,    -- 0 unknown, 1 male, 2 female
  birthday    DATE         NULL,
  avatar      VARCHAR(255) NOT NULL DEFAULT '',
  emotion     TINYINT      NOT NULL DEFAULT 0,    -- 0 single, 1 married, 2 divorced, 3 private
  height      SMALLINT     NULL,                  -- cm
  sexual      TINYINT      NOT NULL DEFAULT 0,    -- orientation: 0 unknown, 1 male, 2 female
  education   TINYINT      NOT NULL DEFAULT 0,    -- 0 unknown .. 5 doctorate
  salary      TINYINT      NOT NULL DEFAULT 0,    -- 0 unknown, 1 <3000 .. 6 >20000 per month
  authority   TINYINT      NOT NULL DEFAULT 1,    -- 0 hidden, 1 everyone, 2 only users I liked
  create_time DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  update_time DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uk_user_info_phone (phone),
  KEY idx_user_info_create (create_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- token holds the SHA-256 (hex) of the login token, never the token itself.
CREATE TABLE user_auth (
  id           INT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id      INT UNSIGNED NOT NULL,
  open_id      VARCHAR(128) NOT NULL,             -- the phone for phone login
  session_key  VARCHAR(255) NULL,
  token        CHAR(64)     NULL,
  expired_time DATETIME     NULL,
  login_type   VARCHAR(16)  NOT NULL,             -- phone, third_party
  login_time   DATETIME     NULL,
  create_time  DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uk_user_auth_open (open_id, login_type),
  UNIQUE KEY uk_user_auth_user (user_id, login_type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Positions are stored already snapped to the privacy grid, never as reported.
CREATE TABLE location (
  user_id     INT UNSIGNED NOT NULL,
  ip_addr     VARCHAR(64)  NOT NULL DEFAULT '',
  longitude   DOUBLE       NOT NULL,
  latitude    DOUBLE       NOT NULL,
  update_time DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (user_id),
  KEY idx_location_update (update_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE user_album (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id     INT UNSIGNED NOT NULL,
  photo       VARCHAR(255) NOT NULL,
  create_time DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY idx_user_album_user (user_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE label (
  id      INT UNSIGNED NOT NULL AUTO_INCREMENT,
  name    VARCHAR(50)  NOT NULL,
  gender  TINYINT      NOT NULL DEFAULT 0,        -- which gender the label is for, 0 any
  meaning VARCHAR(20)  NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  UNIQUE KEY uk_label_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE user_label (
  user_id  INT UNSIGNED NOT NULL,
  label_id INT UNSIGNED NOT NULL,
  PRIMARY KEY (user_id, label_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per side of a conversation: (user_id, peer_id) and (peer_id, user_id).
CREATE TABLE contacts (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id     INT UNSIGNED NOT NULL,
  peer_id     INT UNSIGNED NOT NULL,
  creator_id  INT UNSIGNED NOT NULL,              -- who started the conversation
  update_time DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  create_time DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  last_msg    VARCHAR(255) NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  UNIQUE KEY uk_contacts_pair (user_id, peer_id),
  KEY idx_contacts_recent (user_id, update_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- uid_lo/uid_hi name the conversation whichever way a message goes: one index serves a
-- conversation's pages, and the lower id is the partitioning key when the table splits.
CREATE TABLE message (
  id        BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  from_uid  INT UNSIGNED NOT NULL,
  to_uid    INT UNSIGNED NOT NULL,
  uid_lo    INT UNSIGNED AS (LEAST(from_uid, to_uid)) PERSISTENT,
  uid_hi    INT UNSIGNED AS (GREATEST(from_uid, to_uid)) PERSISTENT,
  msg_type  VARCHAR(6)   NOT NULL,                -- text, audio, image, video
  audio     VARCHAR(255) NULL,                    -- URL of an audio message
  content   VARCHAR(1000) NULL,                   -- text message
  image     VARCHAR(255) NULL,                    -- URL of an image message
  video     VARCHAR(255) NULL,                    -- URL of a video message
  duration  INT UNSIGNED NULL,                    -- seconds, audio and video
  send_time DATETIME     NOT NULL,
  `read`    TINYINT      NOT NULL DEFAULT 0,      -- 0 unread, 1 read
  PRIMARY KEY (id),
  KEY idx_message_conversation (uid_lo, uid_hi, id),
  KEY idx_message_unread (to_uid, `read`, from_uid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE visitor (
  id         INT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id    INT UNSIGNED NOT NULL,               -- the profile owner
  visitor_id INT UNSIGNED NOT NULL,
  visit_time DATETIME     NOT NULL,
  status     TINYINT      NOT NULL DEFAULT 0,     -- 0 unread, 1 read
  PRIMARY KEY (id),
  UNIQUE KEY uk_visitor_pair (user_id, visitor_id),
  KEY idx_visitor_recent (user_id, visit_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE product (
  id       INT UNSIGNED  NOT NULL AUTO_INCREMENT,
  name     VARCHAR(128)  NOT NULL,
  `desc`   VARCHAR(255)  NOT NULL DEFAULT '',
  vip_time INT UNSIGNED  NOT NULL,                -- days
  price    DECIMAL(11,2) NOT NULL,                -- yuan
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE user_order (
  id             INT UNSIGNED  NOT NULL AUTO_INCREMENT,
  user_id        INT UNSIGNED  NOT NULL,
  product_id     INT UNSIGNED  NOT NULL,
  product_name   VARCHAR(128)  NOT NULL,
  fee            DECIMAL(11,2) NOT NULL,          -- yuan, copied from the product
  open_id        VARCHAR(128)  NULL,
  trade_no       VARCHAR(64)   NOT NULL,
  transaction_id VARCHAR(64)   NULL,              -- the gateway's, once paid
  pay            TINYINT       NOT NULL DEFAULT 0, -- 0 unpaid, 1 paid, 2 cancelled
  order_time     DATETIME      NOT NULL,
  pay_time       DATETIME      NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_user_order_trade (trade_no),
  KEY idx_user_order_user (user_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE vip_info (
  user_id      INT UNSIGNED NOT NULL,
  vip_deadline DATETIME     NOT NULL,
  PRIMARY KEY (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

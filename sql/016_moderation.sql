-- Moderation (issue 24): photo review, operators and their sessions, the audit log, warnings
-- and bans that end (lib/domain/moderation.h, lib/domain/operator.h).

-- A photo's review, one row per stored image (its URL) once it is used as an avatar, an
-- album photo or a chat image; the first user to use it owns the row. `[moderation]
-- photos` decides what the state means to others: pre, only approved photos show; post,
-- all but rejected ones.
CREATE TABLE photo_review (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
  url         VARCHAR(255) NOT NULL,
  owner_id    INT UNSIGNED NOT NULL,
  used_as     VARCHAR(8)   NOT NULL,                -- avatar | album | chat: its first use
  state       VARCHAR(8)   NOT NULL DEFAULT 'pending',
  reason      VARCHAR(200) NOT NULL DEFAULT '',     -- a rejection's, shown to the owner
  operator_id INT UNSIGNED NULL,                    -- who decided
  create_time DATETIME     NOT NULL,
  review_time DATETIME     NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_photo_review_url (url),
  KEY idx_photo_review_state (state, id),
  KEY idx_photo_review_owner (owner_id, state),
  CONSTRAINT chk_photo_review CHECK (state IN ('pending', 'approved', 'rejected')
                                     AND used_as IN ('avatar', 'album', 'chat'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- In pre mode an avatar waits here until approved (others keep seeing the approved one).
-- A ban for N days ends at ban_until (NULL: for good).
ALTER TABLE user_info
  ADD COLUMN avatar_pending VARCHAR(255) NOT NULL DEFAULT '' AFTER avatar,
  ADD COLUMN ban_until DATETIME NULL;

CREATE TABLE user_warning (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id     INT UNSIGNED NOT NULL,
  reason      VARCHAR(200) NOT NULL,
  operator_id INT UNSIGNED NULL,
  create_time DATETIME     NOT NULL,
  PRIMARY KEY (id),
  KEY idx_user_warning_user (user_id, create_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Operators: their own accounts, never users'. The password is stored as scrypt's
-- "$scrypt$ln=N,r=R,p=P$salt$hash" (base64), its cost kept with it.
CREATE TABLE operator (
  id            INT UNSIGNED NOT NULL AUTO_INCREMENT,
  name          VARCHAR(32)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  role          VARCHAR(8)   NOT NULL,
  password_hash VARCHAR(160) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  status        VARCHAR(8)   NOT NULL DEFAULT 'active',   -- active | disabled
  create_time   DATETIME     NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_operator_name (name),
  CONSTRAINT chk_operator CHECK (role IN ('reviewer', 'support', 'admin')
                                 AND status IN ('active', 'disabled'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A session is its token's SHA-256 (the token itself is never stored); it ends at
-- expire_time, or when unused for [operator] idle_seconds.
CREATE TABLE operator_session (
  token_hash  BINARY(32)   NOT NULL,
  operator_id INT UNSIGNED NOT NULL,
  client_ip   VARCHAR(45)  NOT NULL,
  create_time DATETIME     NOT NULL,
  last_seen   DATETIME     NOT NULL,
  expire_time DATETIME     NOT NULL,
  PRIMARY KEY (token_hash),
  KEY idx_operator_session_operator (operator_id)
) ENGINE=InnoDB;

-- Every operator action (and dtadmin's): who, what, on what, when, before and after.
CREATE TABLE audit_log (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  operator_id INT UNSIGNED NULL,                    -- NULL: dtadmin or the server itself
  actor       VARCHAR(64)  NOT NULL,                -- the operator's name, "dtadmin:<user>", "expiry"
  action      VARCHAR(32)  NOT NULL,
  target_type VARCHAR(16)  NOT NULL,                -- user | photo | operator
  target_id   BIGINT UNSIGNED NOT NULL,
  before_state TEXT        NOT NULL,                -- JSON
  after_state  TEXT        NOT NULL,                -- JSON
  client_ip   VARCHAR(45)  NOT NULL DEFAULT '',
  create_time DATETIME     NOT NULL,
  PRIMARY KEY (id),
  KEY idx_audit_target (target_type, target_id, id),
  KEY idx_audit_operator (operator_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

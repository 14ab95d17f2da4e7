-- Safety and matching: blocks, reports, likes/passes, and a moderation status per user.

-- active; review (reported by enough distinct users: hidden from everyone but themself
-- until an operator decides); banned; deleted (a tombstone: the account's data is gone,
-- the row stays so that messages it sent still have a sender).
ALTER TABLE user_info
  ADD COLUMN status ENUM('active', 'review', 'banned', 'deleted') NOT NULL DEFAULT 'active'
  AFTER authority;

CREATE TABLE user_block (
  user_id     INT UNSIGNED NOT NULL,              -- who blocked
  blocked_id  INT UNSIGNED NOT NULL,
  create_time DATETIME     NOT NULL,
  PRIMARY KEY (user_id, blocked_id),
  KEY idx_user_block_blocked (blocked_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE user_report (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
  reporter_id INT UNSIGNED NOT NULL,
  reported_id INT UNSIGNED NOT NULL,
  reason      ENUM('spam', 'fake', 'harassment', 'inappropriate', 'underage', 'other') NOT NULL,
  detail      VARCHAR(500) NOT NULL DEFAULT '',
  handled     TINYINT      NOT NULL DEFAULT 0,    -- 1 once an operator cleared the user
  create_time DATETIME     NOT NULL,
  update_time DATETIME     NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_user_report_pair (reporter_id, reported_id),
  KEY idx_user_report_reported (reported_id, handled)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE user_like (
  user_id     INT UNSIGNED NOT NULL,
  peer_id     INT UNSIGNED NOT NULL,
  action      TINYINT      NOT NULL,              -- 1 like, 0 pass
  update_time DATETIME     NOT NULL,
  PRIMARY KEY (user_id, peer_id),
  KEY idx_user_like_peer (peer_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

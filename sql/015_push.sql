-- Push notifications (issue 23): the devices a user's pushes go to, and what a user wants
-- of them (lib/domain/push.h).
-- A token is one provider's address of one app install: it belongs to the session that
-- registered it (logout and the end of a session delete it), and to one user at a time
-- (registered by another account, it moves there).
CREATE TABLE push_device (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id     INT UNSIGNED NOT NULL,
  session_id  INT UNSIGNED NULL,       -- user_session.id; NULL: registered without one
  platform    VARCHAR(8)   NOT NULL,   -- ios | android
  provider    VARCHAR(8)   NOT NULL,   -- apns | fcm
  token       VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  app_version VARCHAR(32)  NULL,
  create_time DATETIME     NOT NULL,
  update_time DATETIME     NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_push_device_token (provider, token),
  KEY idx_push_device_user (user_id, update_time),
  KEY idx_push_device_session (session_id),
  CONSTRAINT chk_push_device CHECK (platform IN ('ios', 'android') AND provider IN ('apns', 'fcm'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Quiet hours (minutes after the user's local midnight, start < end or across midnight;
-- both NULL: none), the user's offset from UTC in minutes, and whether a push may show
-- the message's text. No row: no quiet hours, UTC, no previews.
CREATE TABLE push_setting (
  user_id      INT UNSIGNED NOT NULL,
  quiet_start  SMALLINT     NULL,
  quiet_end    SMALLINT     NULL,
  tz_offset    SMALLINT     NOT NULL DEFAULT 0,
  show_preview TINYINT      NOT NULL DEFAULT 0,
  update_time  DATETIME     NOT NULL,
  PRIMARY KEY (user_id),
  CONSTRAINT chk_push_setting CHECK ((quiet_start IS NULL) = (quiet_end IS NULL)
                                     AND quiet_start BETWEEN 0 AND 1439
                                     AND quiet_end BETWEEN 0 AND 1439
                                     AND tz_offset BETWEEN -720 AND 840
                                     AND show_preview IN (0, 1))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

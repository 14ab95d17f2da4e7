-- Sessions per device (issue 22): a token per device, several per user. user_auth keeps
-- the identity (phone -> user); its token columns are no longer read.
CREATE TABLE user_session (
  id           INT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id      INT UNSIGNED NOT NULL,
  token        CHAR(64)     NOT NULL,   -- SHA-256 (hex) of the token, never the token
  device       VARCHAR(64)  NULL,       -- NULL: the one unnamed device of clients that send none
  create_time  DATETIME     NOT NULL,
  last_seen    DATETIME     NOT NULL,
  expired_time DATETIME     NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_user_session_token (token),
  KEY idx_user_session_user (user_id, create_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The live tokens of before become each user's unnamed device: nobody is signed out.
INSERT INTO user_session (user_id, token, device, create_time, last_seen, expired_time)
  SELECT user_id, token, NULL, COALESCE(login_time, create_time), COALESCE(login_time, create_time),
         expired_time
  FROM user_auth
  WHERE token IS NOT NULL AND token <> '' AND expired_time > UTC_TIMESTAMP();
UPDATE user_auth SET token = NULL WHERE token IS NOT NULL;

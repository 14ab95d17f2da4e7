-- Boosts (issue 22): a VIP ranks first in others' recs within their distance for a while,
-- once per [discovery] boost_every_days. A row per boost; Redis dt:boost and dt:geo:boost
-- hold the running ones for the decks.
CREATE TABLE user_boost (
  id         INT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id    INT UNSIGNED NOT NULL,
  start_time DATETIME     NOT NULL,
  end_time   DATETIME     NOT NULL,
  PRIMARY KEY (id),
  KEY idx_user_boost_user (user_id, start_time),
  CONSTRAINT chk_user_boost_time CHECK (end_time > start_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Discovery (issue 22): what each user looks for, and superlikes.
-- A user without a row has the defaults lib/domain/discovery.h derives from their profile.
CREATE TABLE user_preference (
  user_id     INT UNSIGNED      NOT NULL,
  age_min     TINYINT UNSIGNED  NOT NULL,
  age_max     TINYINT UNSIGNED  NOT NULL,
  distance_km SMALLINT UNSIGNED NOT NULL,
  genders     TINYINT UNSIGNED  NOT NULL,  -- bits: 1 unknown (0), 2 male (1), 4 female (2)
  update_time DATETIME          NOT NULL,
  PRIMARY KEY (user_id),
  CONSTRAINT chk_user_preference CHECK (age_min >= 18 AND age_max <= 120 AND age_min <= age_max
                                        AND distance_km BETWEEN 1 AND 500
                                        AND genders BETWEEN 1 AND 7)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- user_like.action: 0 pass, 1 like, 2 superlike (a like its recipient sees marked).
-- Who liked me, newest first; a user's passes, newest first (rewind).
ALTER TABLE user_like
  ADD CONSTRAINT chk_user_like_action CHECK (action BETWEEN 0 AND 2),
  ADD KEY idx_user_like_received (peer_id, action, update_time),
  ADD KEY idx_user_like_given (user_id, action, update_time);

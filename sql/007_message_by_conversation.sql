-- A conversation's messages stored together: the primary key leads with the
-- conversation (uid_lo, uid_hi), so a message/list page is one range of the clustered
-- index instead of a secondary-index range and a primary-key lookup per message.
-- MariaDB refuses a generated column in a primary key, so uid_lo and uid_hi become
-- columns that message/send writes, and a CHECK keeps them what they were.
-- `id` stays the unique, increasing message id (its own key serves AUTO_INCREMENT).
-- Rebuilds the table: apply with the API stopped.
ALTER TABLE message
  MODIFY uid_lo INT UNSIGNED NOT NULL,
  MODIFY uid_hi INT UNSIGNED NOT NULL,
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (uid_lo, uid_hi, id),
  ADD UNIQUE KEY uk_message_id (id),
  DROP KEY idx_message_conversation,
  ADD CONSTRAINT chk_message_conversation
    CHECK (uid_lo = LEAST(from_uid, to_uid) AND uid_hi = GREATEST(from_uid, to_uid));

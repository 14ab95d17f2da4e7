-- Contacts are listed by their last message: its id orders them exactly (update_time
-- has whole seconds only), and its index serves the "most recent first" page.
ALTER TABLE contacts
  ADD COLUMN last_msg_id BIGINT UNSIGNED NOT NULL DEFAULT 0 AFTER last_msg,
  DROP KEY idx_contacts_recent,
  ADD KEY idx_contacts_recent (user_id, last_msg_id);

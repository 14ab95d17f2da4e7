-- Each side of a conversation keeps its own counts, so the contacts page and the "not
-- replied yet" check read a row instead of counting messages (a correlated COUNT per
-- listed contact was half of contacts/list's cost in MariaDB):
--   unread: messages from peer_id that user_id has not read yet;
--   sent:   messages user_id has sent to peer_id.
-- message/send adds to them and message/read clears unread, in the transactions that
-- write the messages. Apply with the API stopped: a message sent while the counts are
-- filled in below would be missed by them.
ALTER TABLE contacts
  ADD COLUMN unread INT UNSIGNED NOT NULL DEFAULT 0 AFTER last_msg_id,
  ADD COLUMN sent   INT UNSIGNED NOT NULL DEFAULT 0 AFTER unread;

UPDATE contacts c
   SET c.unread = (SELECT COUNT(*) FROM message m
                    WHERE m.to_uid = c.user_id AND m.`read` = 0 AND m.from_uid = c.peer_id),
       c.sent = (SELECT COUNT(*) FROM message m
                  WHERE m.uid_lo = LEAST(c.user_id, c.peer_id)
                    AND m.uid_hi = GREATEST(c.user_id, c.peer_id) AND m.from_uid = c.user_id);

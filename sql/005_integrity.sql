-- Found reading the code back.
-- Account deletion removes the visits a user made (visitor_id): without this index that
-- delete scanned, and locked, the whole table.
ALTER TABLE visitor ADD KEY idx_visitor_visitor (visitor_id);

-- Contacts that existed before 003 (imported from the old service) still had
-- last_msg_id 0 and listed in no useful order.
UPDATE contacts c
   SET last_msg_id = COALESCE((SELECT MAX(m.id) FROM message m
                                WHERE m.uid_lo = LEAST(c.user_id, c.peer_id)
                                  AND m.uid_hi = GREATEST(c.user_id, c.peer_id)), 0)
 WHERE last_msg_id = 0;

-- Money is never negative: the code reads it as unsigned cents.
ALTER TABLE product ADD CONSTRAINT chk_product_price CHECK (price >= 0);
ALTER TABLE user_order ADD CONSTRAINT chk_user_order_fee CHECK (fee >= 0);

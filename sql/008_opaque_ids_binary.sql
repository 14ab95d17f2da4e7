-- Opaque ids compare byte for byte (issue 16, found by review): under the tables'
-- utf8mb4_unicode_ci collation, which ignores case and trailing spaces, a correctly signed
-- notify for 'TRADE_NO ' paid the order 'trade_no'. VARBINARY compares bytes and pads
-- nothing. Trade numbers and the gateway's transaction ids, the login's open_id (the
-- phone, E.164 since the same issue) and token hash, and the phone itself.
-- Rebuilds the tables: apply with the API stopped.
ALTER TABLE user_order
  MODIFY trade_no       VARBINARY(64)  NOT NULL,
  MODIFY transaction_id VARBINARY(64)  NULL,
  MODIFY open_id        VARBINARY(128) NULL;

ALTER TABLE user_auth
  MODIFY open_id     VARBINARY(128) NOT NULL,
  MODIFY session_key VARBINARY(255) NULL,
  MODIFY token       VARBINARY(64)  NULL;

ALTER TABLE user_info
  MODIFY phone VARBINARY(20) NULL;

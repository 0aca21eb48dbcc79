-- Test fixture: eth_wallet_balances and eth_indexer_checkpoints as the Audius API's migration 0203 creates them
-- (types, nullability, defaults and its one index), for tests where the Audius migrations ran before the indexer.
CREATE TABLE eth_wallet_balances (
    wallet      TEXT PRIMARY KEY,
    balance     NUMERIC NOT NULL DEFAULT 0,
    blocknumber BIGINT,
    updated_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX eth_wallet_balances_updated_at_idx ON eth_wallet_balances (updated_at);

CREATE TABLE eth_indexer_checkpoints (
    name       TEXT PRIMARY KEY,
    last_block BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

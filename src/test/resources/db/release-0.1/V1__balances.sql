-- Tables the API reads. IF NOT EXISTS: the indexer may be pointed at a database where the
-- original Go indexer already created them; the column names are a contract.
CREATE TABLE IF NOT EXISTS eth_wallet_balances (
    wallet      text      PRIMARY KEY,
    balance     numeric   NOT NULL DEFAULT 0,
    blocknumber bigint,
    updated_at  timestamp NOT NULL,
    created_at  timestamp NOT NULL
);

CREATE INDEX IF NOT EXISTS eth_wallet_balances_updated_at_idx ON eth_wallet_balances (updated_at);

-- The sweep reads in (updated_at, wallet) order; the composite index lets each page seek.
CREATE INDEX IF NOT EXISTS eth_wallet_balances_updated_at_wallet_idx ON eth_wallet_balances (updated_at, wallet);

-- The block whose state produced "balance". Nullable, so old readers and writers keep working;
-- it is what stops a read at an older block from overwriting one at a newer block.
ALTER TABLE eth_wallet_balances ADD COLUMN IF NOT EXISTS balance_block bigint;

CREATE TABLE IF NOT EXISTS eth_indexer_checkpoints (
    name       text   PRIMARY KEY,
    last_block bigint NOT NULL,
    updated_at timestamp
);

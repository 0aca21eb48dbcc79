-- The two tables exactly as the Audius API's migration 0203 makes them, defaults included: the Audius backfill
-- (0204) and the Go indexer insert rows without created_at, and checkpoints without updated_at. IF NOT EXISTS: on
-- the Audius database the tables exist already and this changes nothing. Column names are a contract with the API.
-- (Rewritten after release 0.1, whose V1 left out the defaults; beforeValidate.sql realigns its checksum and V3
-- adds the defaults where that V1 ran.)
CREATE TABLE IF NOT EXISTS eth_wallet_balances (
    wallet      text      PRIMARY KEY,
    balance     numeric   NOT NULL DEFAULT 0,
    blocknumber bigint,
    updated_at  timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    created_at  timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE IF NOT EXISTS eth_indexer_checkpoints (
    name       text      PRIMARY KEY,
    last_block bigint    NOT NULL,
    updated_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
);

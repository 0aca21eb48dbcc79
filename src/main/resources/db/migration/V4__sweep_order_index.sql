-- The sweep pages in (updated_at, wallet) order; this one index lets each page seek, even among millions of rows
-- seeded with the same updated_at (it also serves every query on updated_at alone). CONCURRENTLY: on a live
-- table the build does not block writers. Flyway runs this script outside a transaction (PostgreSQL refuses
-- CONCURRENTLY inside one), so it holds this one statement only.
CREATE INDEX CONCURRENTLY IF NOT EXISTS eth_wallet_balances_updated_at_wallet_idx
    ON eth_wallet_balances (updated_at, wallet);

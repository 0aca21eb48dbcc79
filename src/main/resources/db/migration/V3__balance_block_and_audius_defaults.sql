-- What the indexer adds to the Audius table: one nullable column. balance_block is the block whose state produced
-- "balance": it stops a read at an older block from overwriting one at a newer block. Old readers and writers
-- ignore it.
-- An ALTER TABLE waits for an exclusive lock, and every writer queues behind it while it waits: give up after 10 s
-- (the start-up fails naming the migration; the next launch tries again) rather than stall the API's writers.
SET LOCAL lock_timeout = '10s';

ALTER TABLE eth_wallet_balances ADD COLUMN IF NOT EXISTS balance_block bigint;

-- Where the first V1 of this project made the tables, they lack the Audius defaults (and the checkpoints'
-- updated_at may be NULL): give them the Audius DDL. Elsewhere (a new database, the Audius one) this does nothing.
DO $$
DECLARE
    col record;
BEGIN
    FOR col IN
        SELECT table_name, column_name, column_default, is_nullable
          FROM information_schema.columns
         WHERE table_schema = current_schema()
           AND (table_name, column_name) IN (('eth_wallet_balances', 'updated_at'),
                                             ('eth_wallet_balances', 'created_at'),
                                             ('eth_indexer_checkpoints', 'updated_at'))
    LOOP
        IF col.column_default IS NULL THEN
            EXECUTE format('ALTER TABLE %I ALTER COLUMN %I SET DEFAULT CURRENT_TIMESTAMP', col.table_name,
                           col.column_name);
        END IF;
        IF col.is_nullable = 'YES' THEN
            EXECUTE format('UPDATE %I SET %I = CURRENT_TIMESTAMP WHERE %I IS NULL', col.table_name, col.column_name,
                           col.column_name);
            EXECUTE format('ALTER TABLE %I ALTER COLUMN %I SET NOT NULL', col.table_name, col.column_name);
        END IF;
    END LOOP;
END $$;

-- Test fixture: the parts of the Audius database around eth_wallet_balances that react to its writes, written for
-- these tests to behave like the Audius ones (migration 0213, functions handle_eth_wallet_balance_change and
-- update_eth_user_balance):
--  * users (one current row per user; the primary wallet may be mixed-case) and associated_wallets (linked
--    wallets; chain 'eth' ones count unless deleted);
--  * eth_user_balances, one row per user: the sum of the rows of the user's primary and linked eth wallets;
--  * a row trigger on eth_wallet_balances that, when a balance changes, recomputes every user the wallet belongs
--    to, and swallows any error (a deadlock included) as a WARNING, as the Audius one does. Unlike the Audius one
--    it also notes each swallowed error in audius_trigger_errors, so a test can count them.
-- Needs eth_wallet_balances to exist (created by the Audius migrations or by the indexer's).
CREATE TABLE users (
    user_id    INT NOT NULL,
    wallet     TEXT,
    is_current BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, is_current)
);
CREATE INDEX users_lower_wallet_idx ON users (LOWER(wallet));

CREATE TABLE associated_wallets (
    id         SERIAL PRIMARY KEY,
    user_id    INT NOT NULL,
    wallet     TEXT NOT NULL,
    chain      TEXT NOT NULL,
    is_current BOOLEAN NOT NULL DEFAULT TRUE,
    is_delete  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX associated_wallets_lower_wallet_idx ON associated_wallets (LOWER(wallet));
CREATE INDEX associated_wallets_user_id_idx ON associated_wallets (user_id);

CREATE TABLE eth_user_balances (
    user_id    INT PRIMARY KEY,
    balance    NUMERIC NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL DEFAULT now(),
    created_at TIMESTAMP NOT NULL DEFAULT now()
);

CREATE TABLE audius_trigger_errors (
    at      TIMESTAMP NOT NULL DEFAULT clock_timestamp(),
    sqlstate TEXT NOT NULL,
    message TEXT NOT NULL
);

-- The wallets of a user, lower-cased: the current primary one and the linked eth ones not deleted. (For the tests'
-- checks; update_eth_user_balance spells the query out, so that the planner sees how few rows it returns.)
CREATE FUNCTION eth_wallets_of_user(p_user_id INT) RETURNS SETOF TEXT AS $$
    SELECT LOWER(wallet) FROM users WHERE user_id = p_user_id AND is_current AND wallet IS NOT NULL
    UNION ALL
    SELECT LOWER(wallet) FROM associated_wallets
     WHERE user_id = p_user_id AND chain = 'eth' AND is_current AND NOT is_delete
$$ LANGUAGE sql STABLE;

CREATE FUNCTION update_eth_user_balance(p_user_id INT) RETURNS VOID AS $$
BEGIN
    INSERT INTO eth_user_balances AS u (user_id, balance, updated_at, created_at)
    SELECT p_user_id, COALESCE(SUM(b.balance), 0), NOW(), NOW()
      FROM eth_wallet_balances b
     WHERE b.wallet IN (SELECT LOWER(wallet) FROM users
                         WHERE user_id = p_user_id AND is_current AND wallet IS NOT NULL
                        UNION ALL
                        SELECT LOWER(wallet) FROM associated_wallets
                         WHERE user_id = p_user_id AND chain = 'eth' AND is_current AND NOT is_delete)
    ON CONFLICT (user_id) DO UPDATE SET balance = EXCLUDED.balance, updated_at = NOW();
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION handle_eth_wallet_balance_change() RETURNS TRIGGER AS $$
DECLARE
    affected INT;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.balance IS NOT DISTINCT FROM OLD.balance THEN
        RETURN NULL;
    END IF;
    FOR affected IN
        SELECT user_id FROM users WHERE LOWER(wallet) = NEW.wallet AND is_current
        UNION
        SELECT user_id FROM associated_wallets
         WHERE LOWER(wallet) = NEW.wallet AND chain = 'eth' AND is_current AND NOT is_delete
    LOOP
        PERFORM update_eth_user_balance(affected);
    END LOOP;
    RETURN NULL;
EXCEPTION
    WHEN OTHERS THEN
        RAISE WARNING 'An error occurred in %: %', TG_NAME, SQLERRM;
        INSERT INTO audius_trigger_errors (sqlstate, message) VALUES (SQLSTATE, SQLERRM);
        RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER on_eth_wallet_balance_changes
    AFTER INSERT OR UPDATE ON eth_wallet_balances
    FOR EACH ROW EXECUTE PROCEDURE handle_eth_wallet_balance_change();

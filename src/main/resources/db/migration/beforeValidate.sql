-- Flyway callback, before every validation. V1 was rewritten after release 0.1 to match the Audius DDL (V3 fixes
-- the tables where the old V1 ran): accept the old V1's checksum by realigning it, and only that one, so that
-- any other edit of an applied migration still fails validation.
DO $$
BEGIN
    IF to_regclass(format('%I.%I', '${flyway:defaultSchema}', '${flyway:table}')) IS NOT NULL THEN
        EXECUTE format('UPDATE %I.%I SET checksum = %s WHERE version = %L AND checksum = %s',
                       '${flyway:defaultSchema}', '${flyway:table}', -1942883185, '1', -1061848718);
    END IF;
END $$;

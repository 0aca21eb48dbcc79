-- The launcher's lease on a job: who runs it and when it last said it was alive. The run lock (a session advisory
-- lock) says who may start or recover executions; the lease says whether the owner of a STARTED execution is
-- still alive, so a launcher whose predecessor lost the lock (a terminated backend, idle_session_timeout, a
-- failover) does not take a live execution for a zombie. Timestamps are UTC.
CREATE TABLE IF NOT EXISTS eth_indexer_run_leases (
    job_name     text PRIMARY KEY,
    owner        text NOT NULL,
    heartbeat_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc')
);

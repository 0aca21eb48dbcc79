-- The hashes of the newest blocks the stream's checkpoint stood on (at most indexer.stream.max-reorg-depth blocks
-- below the newest), so a reorg across a restart or a disconnect is found and walked back. A table of this indexer's
-- own rather than a column of eth_indexer_checkpoints: the Audius API and the Go indexer own that table (no ALTER,
-- no lock on it), one hash per checkpoint could not say where two branches part, and the Go indexer would move
-- last_block without the hash. Nothing else reads it; dropping it only turns the reorg check off until it refills.
CREATE TABLE IF NOT EXISTS eth_indexer_checkpoint_blocks (
    name         text   NOT NULL,
    block_number bigint NOT NULL,
    block_hash   text   NOT NULL,
    PRIMARY KEY (name, block_number)
);

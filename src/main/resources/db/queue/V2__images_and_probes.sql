-- Firmware images travel to the agents through the queue, content-addressed: an agent whose firmware/ lacks an image
-- (one the coordinator built from --micropython, say) fetches it by its sha256 and checks it before flashing.
CREATE TABLE queue_image (
    sha256      TEXT PRIMARY KEY,
    board_variant TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    size_bytes  BIGINT NOT NULL,
    content     BYTEA NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

-- Each host's USB limits (usb_load of its lab file, as JSON) for the coordinator's bartender, and when a lease's boards
-- were prepared (flashed and verified): its flash slot is free from then.
ALTER TABLE queue_host ADD COLUMN usb_load TEXT;
ALTER TABLE queue_lease ADD COLUMN prepared_at TIMESTAMPTZ;
ALTER TABLE queue_lease ADD COLUMN prepared_seen BOOLEAN NOT NULL DEFAULT FALSE;

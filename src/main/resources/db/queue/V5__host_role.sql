-- The database role each host registered with: under separate roles (testbed queue init) an agent may change only the
-- rows of a host it registered itself, so one agent's credentials cannot take over another host or its leases.
ALTER TABLE queue_host ADD COLUMN db_role TEXT NOT NULL DEFAULT current_user;

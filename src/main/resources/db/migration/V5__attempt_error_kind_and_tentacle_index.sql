-- Which infrastructure failure an attempt met (flash_failed, board_lost, ...), so a tentacle's record can count its
-- flash failures apart from other errors; and the runs of one tentacle by time, for its recent record.
ALTER TABLE attempt ADD COLUMN error_kind VARCHAR(40);
CREATE INDEX idx_run_tentacle_time ON test_run(tentacle, time_start);

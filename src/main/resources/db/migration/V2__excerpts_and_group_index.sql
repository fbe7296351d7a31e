-- Keep the first lines of a failing test's output next to its reason, and find a group's runs per board quickly
-- (the scheduler reads duration statistics per (group, board) at every session start).
ALTER TABLE test_result ADD COLUMN excerpt TEXT;
ALTER TABLE test_run ADD COLUMN board VARCHAR(100);
ALTER TABLE test_run ADD COLUMN variant VARCHAR(100);
CREATE INDEX idx_run_group_board ON test_run(testgroup, board);
UPDATE test_run SET board = (SELECT board FROM sut_group WHERE sut_group.id = test_run.sut_id),
                    variant = (SELECT variant FROM sut_group WHERE sut_group.id = test_run.sut_id);

-- A benchmark figure keeps the spread of the repeats behind it (its own noise) and what it was measured with
-- (run-perfbench.py's N and M): the noise band of a series uses the first, series never mix the second.
ALTER TABLE measurement ADD COLUMN spread DOUBLE PRECISION;
ALTER TABLE measurement ADD COLUMN params VARCHAR(100);

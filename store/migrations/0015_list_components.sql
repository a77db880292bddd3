-- The files each list version was read from (OFAC CSV: sdn.csv, add.csv,
-- alt.csv, sdn_comments.csv), as a JSON object of file name to whether the
-- file ended with its format's end-of-file mark; '' where not recorded
-- (single-file formats, and versions imported before this column).
ALTER TABLE list_versions ADD COLUMN components TEXT NOT NULL DEFAULT '';

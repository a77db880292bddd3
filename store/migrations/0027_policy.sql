-- The enforcement policy in force and its history: version 1 is installed
-- from the shipped default or a file given to the server; every later
-- version was proposed and approved by two people (approval:ID), and both
-- are named. Rows are never updated: the highest version is in force.
CREATE TABLE policies (
    version     BIGINT PRIMARY KEY,
    policy      TEXT NOT NULL,
    source      TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    proposed_by TEXT NOT NULL,
    approved_by TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL
);

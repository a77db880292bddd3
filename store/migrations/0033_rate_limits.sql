-- Rate limits shared by the nodes on one PostgreSQL (web/limit.go): each
-- key's theoretical arrival time (the generic cell rate algorithm), in
-- nanoseconds since 1970. A row whose time has passed is a full bucket,
-- and is swept.
CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    tat BIGINT NOT NULL
);
CREATE INDEX rate_limits_tat ON rate_limits (tat);

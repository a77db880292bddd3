-- Scorecards (store/scorecard.go), measured by BenchmarkScorecard: the
-- busiest of five counterparts' quarter among 100,000 requests, 4,900
-- requests in the period.
--
-- The requests of one counterpart sent in a period are read from this
-- index alone: it holds every column a scorecard reads, after the
-- counterpart and sent_at it is searched by. Reading each row from the
-- table instead (rows as wide as their form, 1.7 KB) took a quarter of
-- the query's time on SQLite: 169 ms -> 137 ms a scorecard, medians of
-- 50 alternating with and without it. A column a scorecard reads must be
-- added here too. It begins with requests_counterpart's columns, which
-- it replaces.
CREATE INDEX requests_scorecard ON requests (counterpart, sent_at, id, direction, status, priority, type, priority_case, acknowledged_at,
    answered_at, closed_at, ack_due, answer_due, answer_due_original, ack_business_secs, answer_business_secs, refusal_reason, reference);
DROP INDEX requests_counterpart;

-- A scorecard also lists the counterpart's priority cases not closed,
-- whatever their sent_at. Without this index that part read every
-- request of the counterpart: 180 ms of the query's 340 ms on SQLite,
-- and a parallel sequential scan of all requests on PostgreSQL (130 ms).
-- It holds only those cases; the part takes 1 to 3 ms.
CREATE INDEX requests_priority_open ON requests (counterpart, sent_at) WHERE priority_case = 1 AND closed_at = '';

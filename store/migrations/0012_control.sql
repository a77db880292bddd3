-- Four-eyes control edges, kept for ever: controller controls person
-- because they created them ('created') or chose a password of theirs
-- ('password': a reset, or a first password). Knowing a password once is
-- enough to have made every later change the person "made themselves", so
-- no later change removes an edge; users.password_set_by only says who
-- chose the current password.
CREATE TABLE control (
    controller TEXT NOT NULL,
    person     TEXT NOT NULL,
    how        TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (controller, person, how)
);
CREATE INDEX control_person ON control (person);

-- What the people rows still say.
INSERT INTO control (controller, person, how, at)
    SELECT created_by, name, 'created', created_at FROM users
    WHERE created_by <> '' AND created_by <> name;
INSERT INTO control (controller, person, how, at)
    SELECT password_set_by, name, 'password', created_at FROM users
    WHERE password_set_by <> '' AND password_set_by <> name;

-- Resets that the person's own change has since hidden from the people
-- rows are still in the audit chain: the person behind the actor (a
-- token's owner) reset the password of the object's person.
INSERT INTO control (controller, person, how, at)
    SELECT r.controller, r.person, 'password', MIN(r.at) FROM (
        SELECT CASE WHEN e.actor_kind = 'token'
                    THEN COALESCE((SELECT t.owner FROM api_tokens t WHERE t.name = e.actor), '')
                    ELSE e.actor END AS controller,
               substr(e.object, 6) AS person, e.at AS at
        FROM audit_events e
        WHERE e.action = 'user.passwd.reset' AND e.object LIKE 'user:%'
    ) r
    WHERE r.controller <> '' AND r.controller <> r.person
      AND NOT EXISTS (SELECT 1 FROM control c WHERE c.controller = r.controller AND c.person = r.person AND c.how = 'password')
    GROUP BY r.controller, r.person;

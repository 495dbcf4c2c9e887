-- audit_events is large and written constantly: build the index without blocking writes.
-- CONCURRENTLY cannot run inside a transaction, hence transaction:false on both sections.

-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY audit_events_actor_user_id_idx ON audit_events (actor_user_id);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY audit_events_actor_user_id_idx;

-- migrate:up
-- The actions an audit event may record; rows are reference data, seeded by the next migration.
CREATE TABLE audit_actions (
  name        text PRIMARY KEY,
  description text NOT NULL
);

CREATE TABLE audit_events (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id    bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  actor_user_id bigint REFERENCES users (id) ON DELETE SET NULL,
  action        text NOT NULL REFERENCES audit_actions (name),
  target        text,
  metadata      jsonb NOT NULL DEFAULT '{}'::jsonb,
  occurred_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX audit_events_account_occurred_idx ON audit_events (account_id, occurred_at DESC);

-- migrate:down
DROP TABLE audit_events;
DROP TABLE audit_actions;

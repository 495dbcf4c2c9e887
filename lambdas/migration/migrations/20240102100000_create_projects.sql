-- migrate:up
CREATE TABLE projects (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name        text NOT NULL,
  created_by  bigint REFERENCES users (id) ON DELETE SET NULL,
  archived_at timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, name)
);

CREATE INDEX projects_created_by_idx ON projects (created_by);

-- migrate:down
DROP TABLE projects;

CREATE TYPE membership_role AS ENUM ('owner', 'maintainer', 'viewer');

CREATE TABLE memberships (
  project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role       membership_role NOT NULL DEFAULT 'viewer',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, user_id)
);

-- The primary key serves lookups by project; this one serves "my projects".
CREATE INDEX memberships_user_id_idx ON memberships (user_id);

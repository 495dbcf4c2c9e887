-- Accounts are the tenants: every other row belongs to exactly one.

-- migrate:up
CREATE TABLE accounts (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name       text NOT NULL,
  plan       text NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'team', 'enterprise')),
  created_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE accounts IS 'Tenants: every user, project and audit event belongs to one account.';

-- migrate:down
DROP TABLE accounts;

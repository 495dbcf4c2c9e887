INSERT INTO audit_actions (name, description) VALUES
  ('account.created', 'An account was created'),
  ('user.invited', 'A user was invited to the account'),
  ('project.created', 'A project was created'),
  ('project.archived', 'A project was archived'),
  ('membership.granted', 'A user was given a role on a project'),
  ('membership.revoked', 'A user''s role on a project was removed');

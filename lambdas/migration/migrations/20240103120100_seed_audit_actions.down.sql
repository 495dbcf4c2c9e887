-- Fails (and rolls back) while audit events still refer to these actions: that history is kept.
DELETE FROM audit_actions
WHERE name IN (
  'account.created',
  'user.invited',
  'project.created',
  'project.archived',
  'membership.granted',
  'membership.revoked'
);

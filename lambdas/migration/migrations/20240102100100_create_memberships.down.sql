DROP TABLE memberships;
DROP TYPE membership_role;

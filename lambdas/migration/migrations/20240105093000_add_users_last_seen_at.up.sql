-- Nullable and without a default: a metadata-only change, no table rewrite.
ALTER TABLE users ADD COLUMN last_seen_at timestamptz;

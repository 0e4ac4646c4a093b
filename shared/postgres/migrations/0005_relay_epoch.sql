-- The relay's broker epoch: a random id it writes to a marker on the broker and stamps on
-- every record. A marker that no longer says this epoch means the broker lost what it had
-- acknowledged (see shared/messaging/relay.py); NULL for a relay from before the epoch.
ALTER TABLE relay_checkpoints ADD COLUMN epoch text;

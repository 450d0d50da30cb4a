-- Up Migration
-- Events are edited after creation (PATCH /api/admin/events/:id): a free-text description for the
-- fan page, and a history of every edit — who changed what from what to what — written in the
-- same transaction as the edit, because admin_audit records only the request and its status.
-- A constant default: no table rewrite.
ALTER TABLE events ADD COLUMN description text NOT NULL DEFAULT '';

CREATE TABLE event_edits (
  id         bigserial PRIMARY KEY,
  event_id   uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  admin_id   uuid,
  username   text,
  -- {"name": {"from": …, "to": …}, "classes": {"<tierId>": {"capacity": {"from", "to"}}}}
  changes    jsonb NOT NULL,
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_edits_event ON event_edits (event_id, id);

-- Down Migration
DROP TABLE event_edits;
ALTER TABLE events DROP COLUMN description;

-- Up Migration
-- Fair resale: a ticket listed while its sale is sold out and fans are still waiting in line is
-- offered to the waiting room first — until queue_until only fans admitted from the line (in queue
-- order, as the room admits them) may buy it; after that it is on the open marketplace.
ALTER TABLE resale_listings ADD COLUMN queue_until timestamptz;
CREATE INDEX resale_listings_queue_first ON resale_listings (event_id, queue_until) WHERE status = 'listed' AND queue_until IS NOT NULL;

-- Down Migration
DROP INDEX resale_listings_queue_first;
ALTER TABLE resale_listings DROP COLUMN queue_until;

ALTER TABLE search_titles ALTER COLUMN title TYPE text COLLATE "C";
--> statement-breakpoint
-- ENABLE without FORCE, as the other search tables: search_records (owner) reads it for every workspace.
SELECT atrium_enable_tenant_rls('search_titles', false);
--> statement-breakpoint
-- A title as search_titles keeps it: its words (search_tokens) in order, joined by single spaces.
CREATE FUNCTION search_title_key(t text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT left(coalesce(string_agg(s.word, ' ' ORDER BY s.pos), ''), 300) FROM search_tokens(t) s
$$;
--> statement-breakpoint
INSERT INTO search_titles (record_id, workspace_id, record_type, title)
SELECT c.id, c.workspace_id, 'client', search_title_key(c.name) FROM clients c
ON CONFLICT (record_id) DO NOTHING;
--> statement-breakpoint
-- Completions of title words read title words only, however many other words share the prefix.
CREATE INDEX search_words_title_word_idx ON search_words (workspace_id, record_type, word) WHERE in_title;

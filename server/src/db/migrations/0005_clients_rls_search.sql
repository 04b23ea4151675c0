CREATE EXTENSION IF NOT EXISTS btree_gin;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON clients, client_facets, contacts, custom_fields, client_views, client_imports TO atrium_app;
--> statement-breakpoint
-- ENABLE without FORCE: tenant transactions run as atrium_app and always meet the policies; the owner
-- role is exempt so that the SECURITY DEFINER search below can use its index on any installation.
ALTER TABLE clients ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY clients_tenant ON clients
  USING (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid)
  WITH CHECK (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE client_facets ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY client_facets_tenant ON client_facets
  USING (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid)
  WITH CHECK (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY contacts_tenant ON contacts
  USING (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid)
  WITH CHECK (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE custom_fields ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY custom_fields_tenant ON custom_fields
  USING (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid)
  WITH CHECK (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE client_views ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY client_views_tenant ON client_views
  USING (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid)
  WITH CHECK (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE client_imports ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY client_imports_tenant ON client_imports
  USING (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid)
  WITH CHECK (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid);
--> statement-breakpoint
CREATE INDEX clients_search_idx ON clients USING gin (workspace_id, search_text gin_trgm_ops);
--> statement-breakpoint
-- Trigram operators are not leakproof, so under row-level security the planner never uses a trigram
-- index for them. This function runs as the owner and applies the tenant rule itself, fail-closed like
-- the policies: no workspace set, no rows. It returns only ids and scores of the best matches: typo-
-- tolerant word similarity, or the text as a substring; names starting with the text rank first. The
-- two arms are separate queries because an OR would keep the planner off the trigram index.
CREATE FUNCTION clients_search(q text, max_rows integer)
RETURNS TABLE (client_id text, score real)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
SET pg_trgm.word_similarity_threshold = 0.5
ROWS 200
AS $$
  SELECT m.id, max(m.score)::real
  FROM (
    SELECT c.id, word_similarity(q, c.search_text) + CASE WHEN c.sort_name LIKE q || '%' THEN 0.5 ELSE 0 END AS score
    FROM clients c
    WHERE c.workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid
      AND c.search_text %> q
    UNION ALL
    SELECT c.id, word_similarity(q, c.search_text) + CASE WHEN c.sort_name LIKE q || '%' THEN 0.5 ELSE 0 END
    FROM clients c
    WHERE c.workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid
      AND c.search_text LIKE '%' || q || '%'
  ) m
  GROUP BY m.id
  ORDER BY 2 DESC, 1
  LIMIT max_rows
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION clients_search(text, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION clients_search(text, integer) TO atrium_app;

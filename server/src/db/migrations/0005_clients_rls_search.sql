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
CREATE INDEX clients_name_search_idx ON clients USING gin (workspace_id, sort_name gin_trgm_ops);
--> statement-breakpoint
-- Trigram operators are not leakproof, so under row-level security the planner never uses a trigram
-- index for them. This function runs as the owner and applies the tenant rule itself, fail-closed like
-- the policies: no workspace set, no rows. It returns ids and scores of the best matches, in two tiers:
-- 1. names and emails that start with the text (what typing usually means), on btree indexes, in
--    alphabetical order; when they fill the page, that is the answer;
-- 2. otherwise names similar to the text (typos), and the text anywhere (names, contacts, tags,
--    fields), on trigram indexes. Typos are matched on names only: on the whole text, common trigrams
--    make a million-client workspace recheck a hundred thousand rows. These are separate queries because an OR keeps the planner off the trigram index.
-- The text arrives lower-cased, without LIKE wildcards.
CREATE FUNCTION clients_search(q text, max_rows integer)
RETURNS TABLE (client_id text, score real)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
SET pg_trgm.word_similarity_threshold = 0.5
-- Plan each call for its own text, and never fall back to scanning every client of every workspace.
SET plan_cache_mode = force_custom_plan
SET enable_seqscan = off
SET max_parallel_workers_per_gather = 0
ROWS 100
AS $$
DECLARE
  ws uuid := nullif(current_setting('app.workspace_id', true), '')::uuid;
  upper_bound text;
  hits text[];
BEGIN
  IF ws IS NULL OR coalesce(q, '') = '' OR max_rows < 1 THEN
    RETURN;
  END IF;
  upper_bound := left(q, -1) || chr(ascii(right(q, 1)) + 1);
  SELECT coalesce(array_agg(x.id ORDER BY x.k, x.id), '{}') INTO hits
  FROM (
    SELECT u.id, min(u.k) AS k
    FROM (
      (SELECT c.id, c.sort_name AS k FROM clients c
        WHERE c.workspace_id = ws AND c.sort_name >= q AND c.sort_name < upper_bound AND c.sort_name LIKE q || '%'
        ORDER BY c.sort_name, c.id LIMIT max_rows)
      UNION ALL
      (SELECT c.id, c.email FROM clients c
        WHERE c.workspace_id = ws AND c.email >= q AND c.email < upper_bound AND c.email LIKE q || '%'
        ORDER BY c.email LIMIT max_rows)
    ) u
    GROUP BY u.id
    ORDER BY 2, 1
    LIMIT max_rows
  ) x;
  RETURN QUERY SELECT h.id, (3 - h.n::real / 100000)::real FROM unnest(hits) WITH ORDINALITY AS h(id, n);
  IF cardinality(hits) >= max_rows OR length(q) < 3 THEN
    RETURN;
  END IF;
  RETURN QUERY
    SELECT m.id, max(m.score)::real
    FROM (
      SELECT c.id, word_similarity(q, c.sort_name) + word_similarity(q, c.search_text) / 2 AS score
      FROM clients c
      WHERE c.workspace_id = ws AND c.sort_name %> q
      UNION ALL
      SELECT c.id, word_similarity(q, c.sort_name) + word_similarity(q, c.search_text) / 2
      FROM clients c
      WHERE c.workspace_id = ws AND c.search_text LIKE '%' || q || '%'
    ) m
    WHERE NOT (m.id = ANY (hits))
    GROUP BY m.id
    ORDER BY 2 DESC, 1
    LIMIT max_rows - cardinality(hits);
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION clients_search(text, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION clients_search(text, integer) TO atrium_app;

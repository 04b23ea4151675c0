CREATE TABLE "search_postings" (
	"workspace_id" uuid NOT NULL,
	"record_id" text NOT NULL,
	"word_id" bigint NOT NULL,
	"pos" smallint NOT NULL,
	CONSTRAINT "search_postings_record_id_word_id_pk" PRIMARY KEY("record_id","word_id")
);
--> statement-breakpoint
CREATE TABLE "search_words" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"record_type" text NOT NULL,
	"word" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "clients" drop column "sort_name";--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "sort_name" text GENERATED ALWAYS AS (lower(name)) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "search_postings_word_idx" ON "search_postings" USING btree ("word_id","pos","record_id");--> statement-breakpoint
CREATE UNIQUE INDEX "search_words_ws_type_word_idx" ON "search_words" USING btree ("workspace_id","record_type","word");
--> statement-breakpoint
-- Custom part: extensions, the dictionary's byte-order collation (prefix ranges), the name index the
-- column change dropped, the tenant rule, the search functions, the existing clients indexed, and the
-- per-table trigram search they replace removed.
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
--> statement-breakpoint
ALTER TABLE search_words ALTER COLUMN word TYPE text COLLATE "C";
--> statement-breakpoint
CREATE INDEX clients_ws_name_idx ON clients USING btree (workspace_id, sort_name, id);
--> statement-breakpoint
CREATE INDEX search_words_trgm_idx ON search_words USING gin (workspace_id, record_type, word gin_trgm_ops);
--> statement-breakpoint
-- ENABLE without FORCE: the application role meets the policies; search_records (owner) is exempt.
SELECT atrium_enable_tenant_rls('search_words', false);
--> statement-breakpoint
SELECT atrium_enable_tenant_rls('search_postings', false);
--> statement-breakpoint
GRANT USAGE ON SEQUENCE search_words_id_seq TO atrium_app;
--> statement-breakpoint
-- One tokenisation for the index and for searches: lower-cased runs of letters and digits, in order.
CREATE FUNCTION search_tokens(t text)
RETURNS TABLE (word text, pos integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT m[1], (x.n - 1)::integer
  FROM regexp_matches(lower(coalesce(t, '')), '[[:alnum:]]+', 'g') WITH ORDINALITY AS x(m, n)
  WHERE length(m[1]) <= 60
$$;
--> statement-breakpoint
-- The search of every record type. Trigram operators are not leakproof, so under row-level security
-- the planner never uses a trigram index for them: this function runs as the owner and applies the
-- tenant rule itself, once, fail-closed like the policies (no workspace set, no rows).
-- 1. Each query word finds candidate words in the workspace's dictionary: itself, words it begins, and
--    (4 letters or more, when it is not a word itself) words within one or two edits, found with the
--    trigram index and checked with Levenshtein distance; the last word may also be a typo'd prefix.
--    The cost follows the vocabulary, not the number of records.
-- 2. The query word with the fewest postings finds its records by exact lookups (word_id, pos); every
--    other word must then be among each record's own words.
-- Score: exact 1, prefix 0.9, typo 0.75 less 0.1 per edit; +0.3 when the word is at the same place in
-- the title (typing a name), +0.15 elsewhere in the title; averaged over the query words.
CREATE FUNCTION search_records(p_type text, p_q text, p_max integer)
RETURNS TABLE (record_id text, score real)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
SET pg_trgm.similarity_threshold = 0.2
SET pg_trgm.word_similarity_threshold = 0.5
-- Plan each call for its own words, and never fall back to reading a whole table.
SET plan_cache_mode = force_custom_plan
SET enable_seqscan = off
SET max_parallel_workers_per_gather = 0
ROWS 100
AS $$
DECLARE
  ws uuid := nullif(current_setting('app.workspace_id', true), '')::uuid;
  q text[];
  n integer;
  w text;
  last boolean;
  short boolean;
  c_ids bigint[];
  c_q real[];
  best_i integer;
  best_ids bigint[];
  best_q real[];
  best_n integer := -1;
  cnt integer;
  lim integer;
  recs text[];
  scores real[];
BEGIN
  IF ws IS NULL OR p_type IS NULL OR coalesce(p_max, 0) < 1 THEN
    RETURN;
  END IF;
  SELECT array_agg(t.word ORDER BY t.pos) INTO q
  FROM (SELECT s.word, s.pos FROM search_tokens(left(p_q, 200)) s ORDER BY s.pos LIMIT 6) t;
  n := coalesce(cardinality(q), 0);
  IF n = 0 THEN
    RETURN;
  END IF;
  -- One or two letters alone: records whose title starts with them.
  short := n = 1 AND length(q[1]) < 3;

  FOR i IN 1..n LOOP
    w := q[i];
    last := i = n;
    IF length(w) < 3 AND n > 1 THEN
      CONTINUE; -- too short to drive; it still has to match (below)
    END IF;
    SELECT array_agg(x.id), array_agg(x.quality) INTO c_ids, c_q
    FROM (
      SELECT y.id, max(y.quality)::real AS quality
      FROM (
        SELECT s.id, 1.0 AS quality FROM search_words s
          WHERE s.workspace_id = ws AND s.record_type = p_type AND s.word = w
        UNION ALL
        (SELECT s.id, 0.9 - 0.005 * least(length(s.word) - length(w), 20) FROM search_words s
          WHERE s.workspace_id = ws AND s.record_type = p_type
            AND s.word > w AND s.word < w || chr(1114111) AND starts_with(s.word, w)
          ORDER BY s.word LIMIT 30)
        UNION ALL
        (SELECT f.id, f.quality FROM (
          SELECT s.id, 0.75 - 0.1 * least(
                   levenshtein_less_equal(w, s.word, 2),
                   CASE WHEN last THEN least(
                     levenshtein_less_equal(w, left(s.word, length(w)), 2),
                     levenshtein_less_equal(w, left(s.word, length(w) + 1), 2)) + 0.5 ELSE 9 END)
                 + 0.05 * similarity(w, s.word) AS quality,
                 least(levenshtein_less_equal(w, s.word, 2),
                   CASE WHEN last THEN least(
                     levenshtein_less_equal(w, left(s.word, length(w)), 2),
                     levenshtein_less_equal(w, left(s.word, length(w) + 1), 2)) ELSE 9 END) AS dist
          FROM search_words s
          WHERE length(w) >= 4 AND NOT short
            AND s.workspace_id = ws AND s.record_type = p_type
            AND (s.word % w OR (last AND w <% s.word))
            AND NOT EXISTS (SELECT 1 FROM search_words e
                            WHERE e.workspace_id = ws AND e.record_type = p_type AND e.word = w)
        ) f
        WHERE f.dist <= CASE WHEN length(w) >= 5 THEN 2 ELSE 1 END
        ORDER BY f.quality DESC LIMIT 10)
      ) y
      GROUP BY y.id
    ) x;
    IF c_ids IS NULL THEN
      RETURN; -- every word has to match
    END IF;
    IF n = 1 THEN
      best_i := i; best_ids := c_ids; best_q := c_q;
      EXIT;
    END IF;
    SELECT count(*)::integer INTO cnt FROM (
      SELECT 1 FROM search_postings p WHERE p.word_id = ANY (c_ids) LIMIT 20000) z;
    IF cnt = 0 THEN
      RETURN;
    END IF;
    IF best_n < 0 OR cnt < best_n THEN
      best_n := cnt; best_i := i; best_ids := c_ids; best_q := c_q;
    END IF;
  END LOOP;
  IF best_ids IS NULL THEN
    RETURN;
  END IF;

  -- The driving word's records, best places first (enough for the page when it is the only word).
  lim := CASE WHEN n = 1 THEN p_max ELSE greatest(p_max, 5000) END;
  SELECT array_agg(r.rid), array_agg(r.sc) INTO recs, scores
  FROM (
    SELECT p.record_id AS rid,
           max(c.q + CASE WHEN p.pos = best_i - 1 THEN 0.3 WHEN p.pos < 100 THEN 0.15 ELSE 0 END)::real AS sc
    FROM unnest(best_ids, best_q) AS c(id, q)
    CROSS JOIN LATERAL (
      SELECT p.record_id, p.pos FROM search_postings p
      WHERE p.word_id = c.id AND (NOT short OR p.pos = 0)
      ORDER BY p.pos, p.record_id LIMIT lim
    ) p
    GROUP BY p.record_id
  ) r;

  -- Every other word, among each record's own words (typos: the candidates found above are recomputed
  -- only for the driving word; the others match exactly or as prefixes, or within the edit budget).
  FOR i IN 1..n LOOP
    CONTINUE WHEN i = best_i OR recs IS NULL;
    w := q[i];
    last := i = n;
    SELECT array_agg(r.rid), array_agg(r.sc + m.q) INTO recs, scores
    FROM unnest(recs, scores) AS r(rid, sc)
    CROSS JOIN LATERAL (
      SELECT max(
               CASE
                 WHEN s.word = w THEN 1.0
                 WHEN starts_with(s.word, w) THEN 0.9 - 0.005 * least(length(s.word) - length(w), 20)
                 WHEN length(w) >= 4 AND levenshtein_less_equal(w, s.word, 2) <= CASE WHEN length(w) >= 5 THEN 2 ELSE 1 END
                   THEN 0.75 - 0.1 * levenshtein_less_equal(w, s.word, 2)
                 WHEN last AND length(w) >= 4 AND least(
                     levenshtein_less_equal(w, left(s.word, length(w)), 2),
                     levenshtein_less_equal(w, left(s.word, length(w) + 1), 2)) <= CASE WHEN length(w) >= 5 THEN 2 ELSE 1 END
                   THEN 0.7 - 0.1 * least(
                     levenshtein_less_equal(w, left(s.word, length(w)), 2),
                     levenshtein_less_equal(w, left(s.word, length(w) + 1), 2))
                 ELSE -9
               END
               + CASE WHEN p.pos = i - 1 THEN 0.3 WHEN p.pos < 100 THEN 0.15 ELSE 0 END)::real AS q
      FROM search_postings p JOIN search_words s ON s.id = p.word_id
      WHERE p.record_id = r.rid
    ) m
    WHERE m.q >= 0;
  END LOOP;

  RETURN QUERY
    SELECT r.rid, (r.sc / n)::real FROM unnest(recs, scores) AS r(rid, sc)
    ORDER BY 2 DESC, 1 LIMIT p_max;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION search_records(text, text, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION search_records(text, text, integer) TO atrium_app;
--> statement-breakpoint
INSERT INTO search_words (workspace_id, record_type, word)
SELECT DISTINCT c.workspace_id, 'client', t.word FROM clients c, search_tokens(c.name || ' ' || c.search_text) t;
--> statement-breakpoint
INSERT INTO search_postings (workspace_id, record_id, word_id, pos)
SELECT c.workspace_id, c.id, w.id, min(t.pos)
FROM clients c
CROSS JOIN LATERAL (
  SELECT s.word, least(s.pos, 99) AS pos FROM search_tokens(c.name) s
  UNION ALL SELECT s.word, 100 FROM search_tokens(c.search_text) s
) t
JOIN search_words w ON w.workspace_id = c.workspace_id AND w.record_type = 'client' AND w.word = t.word
GROUP BY c.workspace_id, c.id, w.id;
--> statement-breakpoint
DROP FUNCTION IF EXISTS clients_search(text, integer);
--> statement-breakpoint
DROP INDEX IF EXISTS clients_search_idx;
--> statement-breakpoint
DROP INDEX IF EXISTS clients_name_search_idx;

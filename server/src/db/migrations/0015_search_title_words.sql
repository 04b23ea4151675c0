ALTER TABLE "search_words" ADD COLUMN "in_title" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
-- Typos are looked for among title words only: the trigram index covers just them.
UPDATE search_words w SET in_title = true
WHERE EXISTS (SELECT 1 FROM search_postings p WHERE p.word_id = w.id AND p.pos < 100);
--> statement-breakpoint
DROP INDEX IF EXISTS search_words_trgm_idx;
--> statement-breakpoint
CREATE INDEX search_words_title_trgm_idx ON search_words USING gin (workspace_id, record_type, word gin_trgm_ops)
  WHERE in_title;
--> statement-breakpoint
-- The search of every record type. Trigram operators are not leakproof, so under row-level security
-- the planner never uses a trigram index for them: this function runs as the owner and applies the
-- tenant rule itself, once, fail-closed like the policies (no workspace set, no rows).
-- 1. Each query word finds candidate words in the workspace's dictionary: itself and words it begins;
--    failing both (4 letters or more), title words within one edit (two from 5 letters), found with
--    the trigram index and checked with Levenshtein distance; the last word may be a typo'd prefix.
--    The cost follows the vocabulary, not the number of records.
-- 2. The query word with the fewest postings (counted up to 5,000) finds its records by exact lookups
--    (word_id, pos), best places first and a bounded number of them; every other word must then be
--    among each record's own words (where one letter may be wrong from 3 letters, two from 5).
-- Score: exact 1, prefix 0.9, typo 0.75 less 0.1 per edit; +0.3 when the word is at the same place in
-- the title (typing a name), +0.15 elsewhere in the title; averaged over the query words.
CREATE OR REPLACE FUNCTION search_records(p_type text, p_q text, p_max integer)
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
    c_ids := NULL;
    SELECT array_agg(x.id), array_agg(x.quality) INTO c_ids, c_q
    FROM (
      SELECT y.id, max(y.quality)::real AS quality
      FROM (
        SELECT s.id, 1.0 AS quality FROM search_words s
          WHERE s.workspace_id = ws AND s.record_type = p_type AND s.word = w
        UNION ALL
        -- Completions: title words first, then any (alphabetically, a bounded number of each).
        (SELECT s.id, 0.9 - 0.005 * least(length(s.word) - length(w), 20) FROM search_words s
          WHERE s.workspace_id = ws AND s.record_type = p_type AND s.in_title
            AND s.word > w AND s.word < w || chr(1114111) AND starts_with(s.word, w)
          ORDER BY s.word LIMIT 20)
        UNION ALL
        (SELECT s.id, 0.85 - 0.005 * least(length(s.word) - length(w), 20) FROM search_words s
          WHERE s.workspace_id = ws AND s.record_type = p_type
            AND s.word > w AND s.word < w || chr(1114111) AND starts_with(s.word, w)
          ORDER BY s.word LIMIT 10)
      ) y
      GROUP BY y.id
    ) x;
    -- Typos only when the word is neither a word of the workspace nor the start of one.
    IF c_ids IS NULL AND length(w) >= 4 AND NOT short THEN
      SELECT array_agg(f.id), array_agg(f.quality) INTO c_ids, c_q
      FROM (
        SELECT d.id, (0.75 - 0.1 * least(d.whole, d.prefix + 0.5) + 0.05 * d.sim)::real AS quality
        FROM (
          SELECT s.id, similarity(w, s.word) AS sim,
                 levenshtein_less_equal(w, s.word, 2) AS whole,
                 CASE WHEN last THEN least(
                   levenshtein_less_equal(w, left(s.word, length(w)), 2),
                   levenshtein_less_equal(w, left(s.word, length(w) + 1), 2)) ELSE 9 END AS prefix
          FROM search_words s
          WHERE s.workspace_id = ws AND s.record_type = p_type AND s.in_title
            AND (s.word % w OR (last AND w <% s.word))
        ) d
        WHERE least(d.whole, d.prefix) <= CASE WHEN length(w) >= 5 THEN 2 ELSE 1 END
        ORDER BY 2 DESC LIMIT 10
      ) f;
    END IF;
    IF c_ids IS NULL THEN
      CONTINUE; -- no candidates: it cannot drive, and each record's own words are checked below
    END IF;
    IF n = 1 THEN
      best_i := i; best_ids := c_ids; best_q := c_q;
      EXIT;
    END IF;
    SELECT count(*)::integer INTO cnt FROM (
      SELECT 1 FROM search_postings p WHERE p.word_id = ANY (c_ids) LIMIT 5000) z;
    CONTINUE WHEN cnt = 0;
    IF best_n < 0 OR cnt < best_n THEN
      best_n := cnt; best_i := i; best_ids := c_ids; best_q := c_q;
    END IF;
  END LOOP;
  IF best_ids IS NULL THEN
    RETURN;
  END IF;

  -- The driving word's records, best places first (enough for the page when it is the only word; with
  -- other words, the best few hundred go on to be checked).
  lim := CASE WHEN n = 1 THEN p_max ELSE greatest(least(4 * p_max, 2000) / cardinality(best_ids), 50) END;
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
    ORDER BY 2 DESC, 1
    LIMIT CASE WHEN n = 1 THEN p_max ELSE least(greatest(4 * p_max, 200), 2000) END
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
                 WHEN length(w) >= 3 AND levenshtein_less_equal(w, s.word, 2) <= CASE WHEN length(w) >= 5 THEN 2 ELSE 1 END
                   THEN 0.75 - 0.1 * levenshtein_less_equal(w, s.word, 2)
                 WHEN last AND length(w) >= 3 AND least(
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

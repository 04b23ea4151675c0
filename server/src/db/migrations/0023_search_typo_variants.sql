-- ENABLE without FORCE, as the other search tables: search_records (owner) reads it for every workspace.
SELECT atrium_enable_tenant_rls('search_word_variants', false);
--> statement-breakpoint
ALTER TABLE search_word_variants ALTER COLUMN variant TYPE text COLLATE "C";
--> statement-breakpoint
-- A word and the strings that deleting one letter makes of it; from 5 letters, two letters too.
CREATE FUNCTION search_word_deletes(w text)
RETURNS TABLE (variant text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  WITH one AS (
    SELECT left(w, i - 1) || substr(w, i + 1) AS v FROM generate_series(1, length(w)) i
  )
  SELECT w
  UNION SELECT one.v FROM one
  UNION SELECT left(one.v, j - 1) || substr(one.v, j + 1)
    FROM one, generate_series(1, length(one.v)) j
    WHERE length(w) >= 5
$$;
--> statement-breakpoint
INSERT INTO search_word_variants (workspace_id, record_type, variant, word_id)
SELECT w.workspace_id, w.record_type, d.variant, w.id
FROM search_words w CROSS JOIN LATERAL search_word_deletes(w.word) d
WHERE w.in_title AND length(w.word) >= 4
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- The search of every record type (see 0015), with two changes: a first tier, titles that start with
-- the text as typed (search_titles, 0020), alphabetically, which skips the word lookups when they fill
-- the page; and typos looked up by shared deletions (search_word_variants), the trigram index left for
-- a typo'd start of the last word.
CREATE OR REPLACE FUNCTION search_records(p_type text, p_q text, p_max integer)
RETURNS TABLE (record_id text, score real)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
SET pg_trgm.similarity_threshold = 0.2
SET pg_trgm.word_similarity_threshold = 0.5
-- Never fall back to reading a whole table. Plans are cached per connection (every statement looks
-- words and records up by key, so a generic plan serves any word): planning each call cost more than
-- running it.
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
  key text;
  t_ids text[];
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
  -- 0. Titles that start with the text as typed (its words, in order), alphabetically: a few reads of
  --    one index at any size. When they fill the page, nothing else can rank above them.
  key := search_title_key(p_q);
  SELECT array_agg(t.record_id ORDER BY t.title, t.record_id) INTO t_ids
  FROM (
    SELECT s.record_id, s.title FROM search_titles s
    WHERE s.workspace_id = ws AND s.record_type = p_type AND s.title >= key AND s.title < key || chr(1114111)
    ORDER BY s.title, s.record_id LIMIT p_max
  ) t;
  IF cardinality(t_ids) >= p_max THEN
    RETURN QUERY SELECT r.rid, (2 - 0.0001 * r.i)::real FROM unnest(t_ids) WITH ORDINALITY AS r(rid, i);
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
    -- Typos: title words that share a deletion of up to two letters with the query word (one btree
    -- lookup per deletion), checked with Levenshtein distance.
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
          WHERE s.id IN (
            SELECT v.word_id FROM search_word_variants v
            WHERE v.workspace_id = ws AND v.record_type = p_type
              AND v.variant = ANY (ARRAY(SELECT x.variant FROM search_word_deletes(w) x)))
        ) d
        WHERE least(d.whole, d.prefix) <= CASE WHEN length(w) >= 5 THEN 2 ELSE 1 END
        ORDER BY 2 DESC LIMIT 10
      ) f;
    END IF;
    -- The last word may be the typo'd start of a longer word: title words by trigram similarity.
    IF c_ids IS NULL AND last AND length(w) >= 4 AND NOT short THEN
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
    RETURN QUERY SELECT r.rid, (2 - 0.0001 * r.i)::real FROM unnest(t_ids) WITH ORDINALITY AS r(rid, i);
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
    SELECT x.rid, max(x.sc)::real FROM (
      SELECT r.rid, 2 - 0.0001 * r.i AS sc FROM unnest(t_ids) WITH ORDINALITY AS r(rid, i)
      UNION ALL
      SELECT r.rid, r.sc / n FROM unnest(recs, scores) AS r(rid, sc)
    ) x
    GROUP BY x.rid ORDER BY 2 DESC, 1 LIMIT p_max;
END
$$;

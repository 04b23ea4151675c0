-- search_records checks the other words of a query among each candidate record's words with reads of
-- keys, not a table page per posting: in the clients bench's bulk-loaded data (1,000,000 clients) a
-- record's postings lie on as many heap pages as it has words, and `northwnd trad` read 477 postings
-- and 477 dictionary rows for its 63 candidate records (2,642 buffers, 2.2 ms of its 4.3 ms). Now the
-- record's word ids come from the postings' key (record_id, word_id), each distinct word from the
-- dictionary's key, which holds the word (INCLUDE; the constraint keeps its name, so drizzle's
-- snapshot is unchanged), and only the matching postings from the table: 1.9 ms a call in a loop
-- (2.8 ms with 0045's check on the same keys). The postings' key itself stays as it was: with the
-- place included, it ties with search_postings_word_idx for a word's records in a range of record
-- ids on a small table (messaging's newest-first search), and rebuilding it takes ~1 min at 15 M
-- postings.
CREATE UNIQUE INDEX search_words_id_cover_idx ON search_words (id) INCLUDE (word);
--> statement-breakpoint
ALTER TABLE search_words DROP CONSTRAINT search_words_pkey, ADD CONSTRAINT search_words_pkey PRIMARY KEY USING INDEX search_words_id_cover_idx;
--> statement-breakpoint
-- search_records as in 0045, except the check of the other words (below).
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
-- Generic plans, always: after five calls PostgreSQL re-plans a statement each call when its custom
-- plans looked cheaper than the generic one, and that planning was most of a search's time. JIT off:
-- the inlined deletions (search_word_deletes) look like a million rows to the planner, and compiling
-- the typo lookup took ~30 ms each time.
SET plan_cache_mode = force_generic_plan
SET jit = off
ROWS 100
AS $$
DECLARE
  ws uuid := nullif(current_setting('app.workspace_id', true), '')::uuid;
  q text[];
  n integer;
  w text;
  last boolean;
  short boolean;
  digits boolean;
  c_ids bigint[];
  c_q real[];
  i integer;
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
  t_all text[];
  t_raw integer;
  t_lim integer;
  word_order integer[];
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
  -- 0. Title keys that start with the text as typed (its words, in order), alphabetically: a few reads
  --    of one index at any size. A record may have several keys (its title's and others its record
  --    type gives): each record once, at its first key; reading four times the page when keys repeat
  --    records is enough, since a record has at most four. When they fill the page, nothing else can
  --    rank above them.
  -- search_title_key(p_q), inlined: a SQL function called from an expression is planned again in
  -- every transaction.
  SELECT left(coalesce(string_agg(s.word, ' ' ORDER BY s.pos), ''), 300) INTO key FROM search_tokens(p_q) s;
  t_lim := p_max;
  LOOP
    SELECT array_agg(s.record_id ORDER BY s.title, s.record_id), count(*)::integer INTO t_all, t_raw
    FROM (
      SELECT s.record_id, s.title FROM search_titles s
      WHERE s.workspace_id = ws AND s.record_type = p_type AND s.title >= key AND s.title < key || chr(1114111)
      ORDER BY s.title, s.record_id LIMIT t_lim
    ) s;
    SELECT array_agg(x.rid ORDER BY x.i) INTO t_ids
    FROM (
      SELECT r.rid, min(r.i) AS i FROM unnest(t_all) WITH ORDINALITY AS r(rid, i)
      GROUP BY r.rid ORDER BY 2 LIMIT p_max
    ) x;
    EXIT WHEN t_raw < t_lim OR cardinality(t_ids) >= p_max OR t_lim > p_max;
    t_lim := 4 * p_max;
  END LOOP;
  IF cardinality(t_ids) >= p_max THEN
    RETURN QUERY SELECT r.rid, (2 - 0.0001 * r.i)::real FROM unnest(t_ids) WITH ORDINALITY AS r(rid, i);
    RETURN;
  END IF;
  -- One or two letters alone: records whose title starts with them.
  short := n = 1 AND length(q[1]) < 3;

  -- The words that could drive, longest first (the rarest, usually: a number, a full name), so that
  -- the others are counted only up to the fewest records found so far (one more, to break ties).
  SELECT array_agg(u.o ORDER BY length(u.w) DESC, u.o) INTO word_order FROM unnest(q) WITH ORDINALITY AS u(w, o);
  FOREACH i IN ARRAY word_order LOOP
    w := q[i];
    last := i = n;
    digits := w ~ '[0-9]';
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
        -- Completions: title words first, then any (alphabetically, a bounded number of each). The
        -- byte-order range alone holds exactly the words that start with w (tokens hold no U+10FFFF): a
        -- filter on top made the generic plan expect a row or two and read every completion through a
        -- bitmap to sort them (1,394 for `trad` at a million clients, 3 ms) instead of the first few in
        -- index order.
        (SELECT s.id, 0.9 - 0.005 * least(length(s.word) - length(w), 20) FROM search_words s
          WHERE s.workspace_id = ws AND s.record_type = p_type AND s.in_title
            AND s.word > w AND s.word < w || chr(1114111)
          ORDER BY s.word LIMIT 20)
        UNION ALL
        (SELECT s.id, 0.85 - 0.005 * least(length(s.word) - length(w), 20) FROM search_words s
          WHERE s.workspace_id = ws AND s.record_type = p_type
            AND s.word > w AND s.word < w || chr(1114111)
          ORDER BY s.word LIMIT 10)
      ) y
      GROUP BY y.id
    ) x;
    -- Typos only when the word is neither a word of the workspace nor the start of one.
    -- Typos: title words that share a deletion of up to two letters with the query word (one btree
    -- lookup per deletion), checked with Levenshtein distance.
    IF c_ids IS NULL AND length(w) >= 4 AND NOT short AND NOT digits THEN
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
    IF c_ids IS NULL AND last AND length(w) >= 4 AND NOT short AND NOT digits THEN
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
    IF c_ids IS NULL AND digits THEN
      -- A word with digits that no record holds or starts with: no record can match every word (the
      -- check below allows no typos in it either), so only the title keys can answer.
      RETURN QUERY SELECT r.rid, (2 - 0.0001 * r.i)::real FROM unnest(t_ids) WITH ORDINALITY AS r(rid, i);
      RETURN;
    END IF;
    IF c_ids IS NULL THEN
      CONTINUE; -- no candidates: it cannot drive, and each record's own words are checked below
    END IF;
    IF n = 1 THEN
      best_i := i; best_ids := c_ids; best_q := c_q;
      EXIT;
    END IF;
    -- How many records it matches, up to 5,000 (or one more than the fewest so far): one bounded index
    -- range per candidate word, never a bitmap of all its postings (a word in every record would read
    -- them all). The word matching the fewest drives; on a tie, the earlier word in the query.
    lim := CASE WHEN best_n < 0 THEN 5000 ELSE least(best_n + 1, 5000) END;
    SELECT count(*)::integer INTO cnt FROM (
      SELECT 1 FROM unnest(c_ids) AS c(id)
      CROSS JOIN LATERAL (SELECT 1 FROM search_postings p WHERE p.word_id = c.id LIMIT lim) p
      LIMIT lim) z;
    CONTINUE WHEN cnt = 0;
    IF best_n < 0 OR cnt < best_n OR (cnt = best_n AND i < best_i) THEN
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
  -- The records' word ids come from the postings' key alone, each distinct word among them is read
  -- (from the dictionary's key) and scored once — records share most of their words, a domain or a
  -- city: `northwnd trad`'s 63 records hold 477 postings of 137 words — and only the postings of the
  -- words that match are read from the table, for their place (and workspace).
  FOR i IN 1..n LOOP
    CONTINUE WHEN i = best_i OR recs IS NULL;
    w := q[i];
    last := i = n;
    digits := w ~ '[0-9]';
    WITH p AS MATERIALIZED (
      SELECT r.rid, r.sc, p.word_id
      FROM unnest(recs, scores) AS r(rid, sc)
      JOIN search_postings p ON p.record_id = r.rid
    ), k AS MATERIALIZED (
      SELECT s.id, (
               CASE
                 WHEN s.word = w THEN 1.0
                 WHEN starts_with(s.word, w) THEN 0.9 - 0.005 * least(length(s.word) - length(w), 20)
                 WHEN NOT digits AND length(w) >= 3 AND levenshtein_less_equal(w, s.word, 2) <= CASE WHEN length(w) >= 5 THEN 2 ELSE 1 END
                   THEN 0.75 - 0.1 * levenshtein_less_equal(w, s.word, 2)
                 WHEN last AND NOT digits AND length(w) >= 3 AND least(
                     levenshtein_less_equal(w, left(s.word, length(w)), 2),
                     levenshtein_less_equal(w, left(s.word, length(w) + 1), 2)) <= CASE WHEN length(w) >= 5 THEN 2 ELSE 1 END
                   THEN 0.7 - 0.1 * least(
                     levenshtein_less_equal(w, left(s.word, length(w)), 2),
                     levenshtein_less_equal(w, left(s.word, length(w) + 1), 2))
                 ELSE -9
               END
        ) AS q
      FROM search_words s WHERE s.id IN (SELECT p.word_id FROM p)
    )
    SELECT array_agg(x.rid), array_agg(x.sc + x.q) INTO recs, scores
    FROM (
      SELECT p.rid, p.sc, max(k.q + CASE WHEN h.pos = i - 1 THEN 0.3 WHEN h.pos < 100 THEN 0.15 ELSE 0 END)::real AS q
      FROM p JOIN k ON k.id = p.word_id
      JOIN search_postings h ON h.record_id = p.rid AND h.word_id = p.word_id AND h.workspace_id = ws
      WHERE k.q >= 0
      GROUP BY p.rid, p.sc
    ) x;
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

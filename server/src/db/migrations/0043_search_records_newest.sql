-- search_records_newest: the records matching every word of a search, newest first. Record ids are the
-- type's prefix and a UUIDv7 (kernel/db/ids.ts), so descending id order is creation order. Each word
-- stands for its dictionary entries as search_records finds them (the word itself, up to 30
-- completions, or else up to 10 typo'd title words); there is no ranking and no title tier. The word
-- matching the fewest records drives: its postings are read newest first, a bounded slice at a time,
-- and each record read is checked for the other words' entries by its own postings' key, so a search
-- costs what its page needs at any size, not what the workspace's most common word holds. A word whose
-- completions fill their limit (a short prefix) also matches any other word it starts.
--
-- Returns at most p_max matches (`hit`), ids below p_before when given. When fewer than p_max come back
-- and no row has hit = false, nothing older matches. A search that has read its budget of the driving
-- word's records (several words that seldom meet) stops early and ends with one row hit = false: the
-- oldest record it read, where the next call continues (p_before).
CREATE OR REPLACE FUNCTION search_records_newest(p_type text, p_q text, p_before text, p_max integer)
RETURNS TABLE (record_id text, hit boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
SET pg_trgm.similarity_threshold = 0.2
SET pg_trgm.word_similarity_threshold = 0.5
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
  digits boolean;
  c_ids bigint[];
  i integer;
  best_i integer;
  best_ids bigint[];
  best_n integer := -1;
  cnt integer;
  lim integer;
  word_order integer[];
  open boolean;
  e_word integer[] := '{}';
  e_id bigint[] := '{}';
  e_open integer[] := '{}';
  other_ids bigint[];
  g_ids bigint[];
  g_pos smallint[];
  poses smallint[];
  c bigint;
  before text := p_before;
  chunk integer;
  got integer;
  budget integer;
  recs text[];
  keep text[];
  hits text[] := '{}';
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

  -- Each word's dictionary entries (exact, completions, typos), as in search_records; the word
  -- matching the fewest records (counted up to 2,000) drives. A word without entries matches nothing.
  SELECT array_agg(u.o ORDER BY length(u.w) DESC, u.o) INTO word_order FROM unnest(q) WITH ORDINALITY AS u(w, o);
  FOREACH i IN ARRAY word_order LOOP
    w := q[i];
    last := i = n;
    digits := w ~ '[0-9]';
    c_ids := NULL;
    SELECT array_agg(DISTINCT y.id), coalesce(sum(y.t), 0) >= 20 OR coalesce(sum(y.a), 0) >= 10 INTO c_ids, open
    FROM (
      SELECT s.id, 0 AS t, 0 AS a FROM search_words s
        WHERE s.workspace_id = ws AND s.record_type = p_type AND s.word = w
      UNION ALL
      (SELECT s.id, 1, 0 FROM search_words s
        WHERE s.workspace_id = ws AND s.record_type = p_type AND s.in_title
          AND s.word > w AND s.word < w || chr(1114111) AND starts_with(s.word, w)
        ORDER BY s.word LIMIT 20)
      UNION ALL
      (SELECT s.id, 0, 1 FROM search_words s
        WHERE s.workspace_id = ws AND s.record_type = p_type
          AND s.word > w AND s.word < w || chr(1114111) AND starts_with(s.word, w)
        ORDER BY s.word LIMIT 10)
    ) y;
    IF c_ids IS NULL AND length(w) >= 4 AND NOT short AND NOT digits THEN
      SELECT array_agg(f.id) INTO c_ids
      FROM (
        SELECT d.id
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
        ORDER BY (0.75 - 0.1 * least(d.whole, d.prefix + 0.5) + 0.05 * d.sim) DESC LIMIT 10
      ) f;
    END IF;
    IF c_ids IS NULL AND last AND length(w) >= 4 AND NOT short AND NOT digits THEN
      SELECT array_agg(f.id) INTO c_ids
      FROM (
        SELECT d.id
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
        ORDER BY (0.75 - 0.1 * least(d.whole, d.prefix + 0.5) + 0.05 * d.sim) DESC LIMIT 10
      ) f;
    END IF;
    IF c_ids IS NULL THEN
      RETURN; -- no record holds the word, starts with it or holds a close title word
    END IF;
    e_word := e_word || array_fill(i, ARRAY[cardinality(c_ids)]);
    e_id := e_id || c_ids;
    IF open THEN
      e_open := e_open || i;
    END IF;
    IF n = 1 THEN
      best_i := i; best_ids := c_ids;
      EXIT;
    END IF;
    CONTINUE WHEN length(w) < 3; -- too short to drive; it still has to match (below)
    lim := CASE WHEN best_n < 0 THEN 2000 ELSE least(best_n + 1, 2000) END;
    SELECT count(*)::integer INTO cnt FROM (
      SELECT 1 FROM unnest(c_ids) AS c(id)
      CROSS JOIN LATERAL (SELECT 1 FROM search_postings p WHERE p.word_id = c.id LIMIT lim) p
      LIMIT lim) z;
    IF cnt = 0 THEN
      RETURN; -- its entries are in no record
    END IF;
    IF best_n < 0 OR cnt < best_n OR (cnt = best_n AND i < best_i) THEN
      best_n := cnt; best_i := i; best_ids := c_ids;
    END IF;
  END LOOP;
  IF best_ids IS NULL THEN
    RETURN;
  END IF;

  -- The places each candidate word holds (title word 0, 1, ... and 100 for the rest of the text), one
  -- index probe each: the postings index is (word_id, pos, record_id), so each (word, place) is read
  -- newest first by its own backward range and the ranges are merged.
  FOREACH c IN ARRAY best_ids LOOP
    SELECT array_agg(x.pos) INTO poses
    FROM (
      WITH RECURSIVE places(pos) AS (
        (SELECT p.pos FROM search_postings p WHERE p.word_id = c ORDER BY p.pos LIMIT 1)
        UNION ALL
        SELECT (SELECT p.pos FROM search_postings p WHERE p.word_id = c AND p.pos > places.pos ORDER BY p.pos LIMIT 1)
        FROM places WHERE places.pos IS NOT NULL
      )
      SELECT places.pos FROM places WHERE places.pos IS NOT NULL AND (NOT short OR places.pos = 0)
    ) x;
    IF poses IS NOT NULL THEN
      g_ids := g_ids || array_fill(c, ARRAY[cardinality(poses)]);
      g_pos := g_pos || poses;
    END IF;
  END LOOP;
  IF g_ids IS NULL THEN
    RETURN;
  END IF;

  -- One word: its newest p_max records. Several: slices of the driving word's records, newest first,
  -- each record checked for every other word (exactly, as a prefix, or within the typo budget, as in
  -- search_records), until p_max match or the budget of records read is spent.
  chunk := CASE WHEN n = 1 THEN p_max ELSE least(greatest(4 * p_max, 100), 1000) END;
  budget := CASE WHEN n = 1 THEN p_max ELSE greatest(4 * p_max, 4000) END;
  LOOP
    IF before IS NULL THEN
      SELECT array_agg(t.rid ORDER BY t.rid DESC) INTO recs FROM (
        SELECT DISTINCT pp.record_id AS rid
        FROM unnest(g_ids, g_pos) AS g(id, pos)
        CROSS JOIN LATERAL (
          SELECT p.record_id FROM search_postings p
          WHERE p.word_id = g.id AND p.pos = g.pos
          ORDER BY p.record_id DESC LIMIT chunk
        ) pp
        ORDER BY 1 DESC LIMIT chunk
      ) t;
    ELSE
      SELECT array_agg(t.rid ORDER BY t.rid DESC) INTO recs FROM (
        SELECT DISTINCT pp.record_id AS rid
        FROM unnest(g_ids, g_pos) AS g(id, pos)
        CROSS JOIN LATERAL (
          SELECT p.record_id FROM search_postings p
          WHERE p.word_id = g.id AND p.pos = g.pos AND p.record_id < before
          ORDER BY p.record_id DESC LIMIT chunk
        ) pp
        ORDER BY 1 DESC LIMIT chunk
      ) t;
    END IF;
    got := coalesce(cardinality(recs), 0);
    EXIT WHEN got = 0;
    before := recs[got];
    budget := budget - got;
    keep := recs;
    FOR i IN 1..n LOOP
      CONTINUE WHEN i = best_i OR keep IS NULL;
      w := q[i];
      open := i = ANY (e_open);
      other_ids := ARRAY(SELECT e.id FROM unnest(e_word, e_id) AS e(k, id) WHERE e.k = i);
      -- A lateral probe per record, by the key (record_id, word_id): never a read of the other word's
      -- postings, which a common word has by the million.
      SELECT array_agg(r.rid ORDER BY r.o) INTO keep
      FROM unnest(keep) WITH ORDINALITY AS r(rid, o)
      CROSS JOIN LATERAL (
        SELECT 1 FROM search_postings p WHERE p.record_id = r.rid AND p.word_id = ANY (other_ids)
        UNION ALL
        SELECT 1 FROM search_postings p JOIN search_words s ON s.id = p.word_id
          WHERE open AND p.record_id = r.rid AND starts_with(s.word, w)
        LIMIT 1
      ) m;
    END LOOP;
    hits := hits || coalesce(keep[1:p_max - cardinality(hits)], '{}');
    EXIT WHEN cardinality(hits) >= p_max OR got < chunk;
    IF budget <= 0 THEN
      RETURN QUERY SELECT h.rid, true FROM unnest(hits) WITH ORDINALITY AS h(rid, o) ORDER BY h.o;
      RETURN QUERY SELECT before, false;
      RETURN;
    END IF;
  END LOOP;
  RETURN QUERY SELECT h.rid, true FROM unnest(hits) WITH ORDINALITY AS h(rid, o) ORDER BY h.o;
END
$$;

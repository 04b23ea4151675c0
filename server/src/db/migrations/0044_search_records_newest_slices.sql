-- search_records_newest as in 0043, cheaper for several common words (deploy friday: 13 ms → 5 ms
-- at a million messages, 2 ms at ten thousand):
-- * each (entry, place) range gives only its newest k records (k = 1.5 × slice / ranges); the merge is
--   complete down to the highest oldest record of the ranges that gave all k, and the slice ends
--   there, so a slice reads about one and a half times its records, not once per place;
-- * the other words are matched against their own postings between the slice's oldest and newest
--   records (the same index ranges, read in order), with a probe per record by (record_id, word_id)
--   only when the other word is far more common (more than eight per record of the slice);
-- * slices of several words are 400 records or more (16 × max), so a page takes a few slices;
-- * the driving word is the one with the fewest postings counted up to 1,000 (was 2,000).
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
  o_word integer[] := '{}';
  o_ids bigint[] := '{}';
  o_pos smallint[] := '{}';
  others text[];
  cap integer;
  k integer;
  bound text;
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
  -- matching the fewest records (counted up to 1,000) drives. A word without entries matches nothing.
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
    lim := CASE WHEN best_n < 0 THEN 1000 ELSE least(best_n + 1, 1000) END;
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

  -- The places each entry holds (title word 0, 1, ... and 100 for the rest of the text), one index
  -- probe each: the postings index is (word_id, pos, record_id), so each (entry, place) is read in id
  -- order by its own range, and the ranges are merged. With one word, the driving word's entries only.
  FOR i IN 1..cardinality(e_id) LOOP
    CONTINUE WHEN n = 1 AND e_word[i] <> best_i;
    c := e_id[i];
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
      IF e_word[i] = best_i THEN
        g_ids := g_ids || array_fill(c, ARRAY[cardinality(poses)]);
        g_pos := g_pos || poses;
      ELSE
        o_word := o_word || array_fill(e_word[i], ARRAY[cardinality(poses)]);
        o_ids := o_ids || array_fill(c, ARRAY[cardinality(poses)]);
        o_pos := o_pos || poses;
      END IF;
    END IF;
  END LOOP;
  IF g_ids IS NULL THEN
    RETURN;
  END IF;

  -- Slices of the driving word's records, newest first (one word: its newest p_max), each record
  -- checked for every other word's entries, until p_max match, none is left, or the budget of records
  -- read (4,000) is spent.
  chunk := CASE WHEN n = 1 THEN p_max ELSE least(greatest(16 * p_max, 400), 2000) END;
  budget := greatest(4 * p_max, 4000);
  LOOP
    -- Each (entry, place) range gives its newest k records below `before`; the merge is complete down
    -- to the highest of the oldest records of ranges that gave all k (`bound`), and the slice ends
    -- there. Reading about one and a half slices, not a slice per place.
    k := greatest(ceil(1.5 * chunk / cardinality(g_ids))::integer, 8);
    IF before IS NULL THEN
      WITH grp AS MATERIALIZED (
        SELECT x.ids FROM unnest(g_ids, g_pos) AS g(id, pos)
        CROSS JOIN LATERAL (
          SELECT array_agg(pp.record_id ORDER BY pp.record_id DESC) AS ids FROM (
            SELECT p.record_id FROM search_postings p
            WHERE p.word_id = g.id AND p.pos = g.pos
            ORDER BY p.record_id DESC LIMIT k
          ) pp
        ) x
      )
      SELECT (SELECT max(grp.ids[k]) FROM grp WHERE cardinality(grp.ids) = k),
             (SELECT array_agg(DISTINCT u.rid) FROM grp CROSS JOIN unnest(grp.ids) AS u(rid))
      INTO bound, recs;
    ELSE
      WITH grp AS MATERIALIZED (
        SELECT x.ids FROM unnest(g_ids, g_pos) AS g(id, pos)
        CROSS JOIN LATERAL (
          SELECT array_agg(pp.record_id ORDER BY pp.record_id DESC) AS ids FROM (
            SELECT p.record_id FROM search_postings p
            WHERE p.word_id = g.id AND p.pos = g.pos AND p.record_id < before
            ORDER BY p.record_id DESC LIMIT k
          ) pp
        ) x
      )
      SELECT (SELECT max(grp.ids[k]) FROM grp WHERE cardinality(grp.ids) = k),
             (SELECT array_agg(DISTINCT u.rid) FROM grp CROSS JOIN unnest(grp.ids) AS u(rid))
      INTO bound, recs;
    END IF;
    recs := ARRAY(SELECT u.rid FROM unnest(recs) AS u(rid) WHERE bound IS NULL OR u.rid >= bound ORDER BY u.rid DESC);
    got := cardinality(recs);
    EXIT WHEN got = 0;
    before := recs[got];
    budget := budget - got;
    keep := recs;
    FOR i IN 1..n LOOP
      CONTINUE WHEN i = best_i OR keep IS NULL;
      w := q[i];
      open := i = ANY (e_open);
      -- The other word's postings between the slice's oldest and newest records, by the same ranges
      -- (index only, in order): a word as common as the driving one has about as many there. Up to
      -- eight per record of the slice; past that (a far more common word), a probe per record.
      cap := 8 * got;
      others := NULL;
      IF NOT open THEN
        SELECT array_agg(x.rid) INTO others FROM (
          SELECT pp.record_id AS rid
          FROM unnest(o_word, o_ids, o_pos) AS g(k, id, pos)
          CROSS JOIN LATERAL (
            SELECT p.record_id FROM search_postings p
            WHERE p.word_id = g.id AND p.pos = g.pos AND p.record_id >= recs[got] AND p.record_id <= recs[1]
          ) pp
          WHERE g.k = i
          LIMIT cap + 1
        ) x;
      END IF;
      IF NOT open AND coalesce(cardinality(others), 0) <= cap THEN
        SELECT array_agg(r.rid ORDER BY r.o) INTO keep
        FROM unnest(keep) WITH ORDINALITY AS r(rid, o)
        WHERE r.rid IN (SELECT unnest(others));
      ELSE
        -- A lateral probe per record, by the key (record_id, word_id): never a read of all the other
        -- word's postings, which a common word has by the million.
        other_ids := ARRAY(SELECT e.id FROM unnest(e_word, e_id) AS e(k, id) WHERE e.k = i);
        SELECT array_agg(r.rid ORDER BY r.o) INTO keep
        FROM unnest(keep) WITH ORDINALITY AS r(rid, o)
        CROSS JOIN LATERAL (
          SELECT 1 FROM search_postings p WHERE p.record_id = r.rid AND p.word_id = ANY (other_ids)
          UNION ALL
          SELECT 1 FROM search_postings p JOIN search_words s ON s.id = p.word_id
            WHERE open AND p.record_id = r.rid AND starts_with(s.word, w)
          LIMIT 1
        ) m;
      END IF;
    END LOOP;
    hits := hits || coalesce(keep[1:p_max - cardinality(hits)], '{}');
    EXIT WHEN cardinality(hits) >= p_max OR bound IS NULL;
    IF budget <= 0 THEN
      RETURN QUERY SELECT h.rid, true FROM unnest(hits) WITH ORDINALITY AS h(rid, o) ORDER BY h.o;
      RETURN QUERY SELECT before, false;
      RETURN;
    END IF;
  END LOOP;
  RETURN QUERY SELECT h.rid, true FROM unnest(hits) WITH ORDINALITY AS h(rid, o) ORDER BY h.o;
END
$$;

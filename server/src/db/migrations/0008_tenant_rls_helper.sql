-- The tenant rule for a new table in one line, in the module's own custom migration:
--   SELECT atrium_enable_tenant_rls('invoices');
-- It grants the application role its rights, enables row-level security and creates the policy every
-- tenant table has, fail-closed: no workspace set, no rows. Row-level security is also FORCEd, unless
-- the table is read by a SECURITY DEFINER search function that applies the rule itself (force => false).
CREATE OR REPLACE FUNCTION atrium_enable_tenant_rls(target regclass, force boolean DEFAULT true)
RETURNS void
LANGUAGE plpgsql
SET search_path = public, pg_temp
AS $$
DECLARE
  policy text := (SELECT relname FROM pg_class WHERE oid = target) || '_tenant';
  rule text := 'workspace_id = nullif(current_setting(''app.workspace_id'', true), '''')::uuid';
BEGIN
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO atrium_app', target);
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
  IF force THEN
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
  END IF;
  EXECUTE format('DROP POLICY IF EXISTS %I ON %s', policy, target);
  EXECUTE format('CREATE POLICY %I ON %s USING (%s) WITH CHECK (%s)', policy, target, rule, rule);
END
$$;

-- A member's preferences are only ever read inside their workspace: forced.
SELECT atrium_enable_tenant_rls('user_preferences');

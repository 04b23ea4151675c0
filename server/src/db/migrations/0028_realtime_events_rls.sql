-- Realtime events are tenant rows. Row-level security is enabled, not forced: the dispatcher (which
-- numbers committed events in commit order) and the pruning job read every workspace's events as the
-- owner role; requests read them only inside their workspace, as the application role.
SELECT atrium_enable_tenant_rls('realtime_events', false);

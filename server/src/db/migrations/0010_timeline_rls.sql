-- Notes are only ever read inside a workspace: forced. Tasks are ENABLEd only, so that the reminder
-- sweep, running as the owner, can find due tasks across workspaces; it then claims each one inside
-- its own workspace transaction.
SELECT atrium_enable_tenant_rls('timeline_notes');
--> statement-breakpoint
SELECT atrium_enable_tenant_rls('timeline_tasks', false);

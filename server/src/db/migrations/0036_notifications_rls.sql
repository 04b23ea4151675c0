SELECT atrium_enable_tenant_rls('notifications');
--> statement-breakpoint
SELECT atrium_enable_tenant_rls('notification_preferences');
--> statement-breakpoint
SELECT atrium_enable_tenant_rls('push_subscriptions');

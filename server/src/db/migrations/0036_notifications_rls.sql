SELECT atrium_enable_tenant_rls('notifications');
SELECT atrium_enable_tenant_rls('notification_preferences');
SELECT atrium_enable_tenant_rls('push_subscriptions');

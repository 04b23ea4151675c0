SELECT atrium_enable_tenant_rls('payment_gateway_connections');
--> statement-breakpoint
SELECT atrium_enable_tenant_rls('payment_gateway_events');
--> statement-breakpoint
SELECT atrium_enable_tenant_rls('online_payments');
--> statement-breakpoint
SELECT atrium_enable_tenant_rls('online_refunds');

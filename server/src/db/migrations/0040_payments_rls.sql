SELECT atrium_enable_tenant_rls('payment_gateway_connections');
SELECT atrium_enable_tenant_rls('payment_gateway_events');
SELECT atrium_enable_tenant_rls('online_payments');
SELECT atrium_enable_tenant_rls('online_refunds');

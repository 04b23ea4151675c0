-- Billing. workspace_billing, billing_stripe_events and usage_counters are ENABLEd only (not forced):
-- the operator list, the operator's Stripe webhook and the batched API-call counter reach them
-- across workspaces as the owner. Plans and operators are installation data: the application role
-- only reads them.
SELECT atrium_enable_tenant_rls('workspace_billing', false);
--> statement-breakpoint
SELECT atrium_enable_tenant_rls('billing_stripe_events', false);
--> statement-breakpoint
SELECT atrium_enable_tenant_rls('usage_counters', false);
--> statement-breakpoint
REVOKE INSERT, UPDATE, DELETE ON plans, operators FROM atrium_app;
--> statement-breakpoint
GRANT SELECT ON plans, operators TO atrium_app;

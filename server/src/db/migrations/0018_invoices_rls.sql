-- Invoicing tables. Documents are ENABLEd only (not forced), so that the overdue and expiry sweep,
-- running as the owner, can find due documents across workspaces; it then changes each inside its own
-- workspace transaction. Everything else is only ever read inside a workspace: forced.
SELECT atrium_enable_tenant_rls('invoice_products');
--> statement-breakpoint
SELECT atrium_enable_tenant_rls('invoice_product_facets');
--> statement-breakpoint
SELECT atrium_enable_tenant_rls('invoice_tax_rates');
--> statement-breakpoint
SELECT atrium_enable_tenant_rls('invoice_settings');
--> statement-breakpoint
SELECT atrium_enable_tenant_rls('invoice_number_counters');
--> statement-breakpoint
SELECT atrium_enable_tenant_rls('invoice_documents', false);
--> statement-breakpoint
SELECT atrium_enable_tenant_rls('invoice_document_lines');
--> statement-breakpoint
SELECT atrium_enable_tenant_rls('invoice_document_facets');
--> statement-breakpoint
SELECT atrium_enable_tenant_rls('invoice_payments');

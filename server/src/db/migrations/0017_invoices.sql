CREATE TABLE "invoice_document_facets" (
	"workspace_id" uuid NOT NULL,
	"document_id" text NOT NULL,
	"key" text NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "invoice_document_facets_document_id_key_value_pk" PRIMARY KEY("document_id","key","value")
);
--> statement-breakpoint
CREATE TABLE "invoice_document_lines" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"document_id" text NOT NULL,
	"position" integer NOT NULL,
	"product_id" text,
	"description" text NOT NULL,
	"quantity" numeric(15, 6) NOT NULL,
	"unit" text,
	"unit_code" text DEFAULT 'C62' NOT NULL,
	"unit_price" bigint NOT NULL,
	"discount" jsonb,
	"tax_rate_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"taxes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"amount" bigint NOT NULL,
	"line_discount" bigint NOT NULL,
	"document_discount" bigint NOT NULL,
	"net" bigint NOT NULL,
	"tax" bigint NOT NULL,
	"total" bigint NOT NULL,
	"credited_line_id" text
);
--> statement-breakpoint
CREATE TABLE "invoice_documents" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"number" text,
	"client_id" text NOT NULL,
	"client_name" text NOT NULL,
	"currency" text NOT NULL,
	"base_currency" text NOT NULL,
	"exchange_rate" numeric(18, 8),
	"issue_date" date,
	"due_date" date,
	"po_number" text,
	"notes" text,
	"terms" text,
	"footer" text,
	"discount" jsonb,
	"shipping" bigint DEFAULT 0 NOT NULL,
	"subtotal" bigint DEFAULT 0 NOT NULL,
	"discount_total" bigint DEFAULT 0 NOT NULL,
	"tax_total" bigint DEFAULT 0 NOT NULL,
	"total" bigint DEFAULT 0 NOT NULL,
	"paid" bigint DEFAULT 0 NOT NULL,
	"credited" bigint DEFAULT 0 NOT NULL,
	"balance" bigint GENERATED ALWAYS AS (total - paid - credited) STORED NOT NULL,
	"custom" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"quote_id" text,
	"invoice_id" text,
	"void_reason" text,
	"accepted_by" text,
	"decline_reason" text,
	"view_token_hash" text,
	"snapshot" jsonb,
	"sent_at" timestamp (3) with time zone,
	"viewed_at" timestamp (3) with time zone,
	"accepted_at" timestamp (3) with time zone,
	"declined_at" timestamp (3) with time zone,
	"paid_at" timestamp (3) with time zone,
	"voided_at" timestamp (3) with time zone,
	"last_reminder_at" timestamp (3) with time zone,
	"created_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoice_settings" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"base_currency" text NOT NULL,
	"payment_terms_days" integer NOT NULL,
	"quote_valid_days" integer NOT NULL,
	"numbering" jsonb NOT NULL,
	"default_notes" text,
	"default_terms" text,
	"default_footer" text,
	"payment_instructions" text,
	"legal" jsonb NOT NULL,
	"template" text NOT NULL,
	"brand_color" text NOT NULL,
	"reminders" jsonb NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoice_number_counters" (
	"workspace_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"period" text NOT NULL,
	"value" bigint NOT NULL,
	CONSTRAINT "invoice_number_counters_workspace_id_kind_period_pk" PRIMARY KEY("workspace_id","kind","period")
);
--> statement-breakpoint
CREATE TABLE "invoice_payments" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"client_id" text NOT NULL,
	"invoice_id" text,
	"credit_note_id" text,
	"refund_of" text,
	"method" text NOT NULL,
	"status" text DEFAULT 'succeeded' NOT NULL,
	"amount" bigint NOT NULL,
	"applied" bigint NOT NULL,
	"credit" bigint NOT NULL,
	"currency" text NOT NULL,
	"paid_on" date NOT NULL,
	"reference" text,
	"notes" text,
	"gateway" text,
	"gateway_payment_id" text,
	"gateway_fee" bigint,
	"gateway_data" jsonb,
	"created_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoice_product_facets" (
	"workspace_id" uuid NOT NULL,
	"product_id" text NOT NULL,
	"key" text NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "invoice_product_facets_product_id_key_value_pk" PRIMARY KEY("product_id","key","value")
);
--> statement-breakpoint
CREATE TABLE "invoice_products" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"sort_name" text GENERATED ALWAYS AS (lower(name)) STORED NOT NULL,
	"description" text,
	"unit" text,
	"unit_code" text DEFAULT 'C62' NOT NULL,
	"unit_price" bigint NOT NULL,
	"currency" text NOT NULL,
	"tax_rate_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"archived_at" timestamp (3) with time zone,
	"created_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoice_tax_rates" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"percent" numeric(7, 4) NOT NULL,
	"inclusive" boolean DEFAULT false NOT NULL,
	"compound" boolean DEFAULT false NOT NULL,
	"category_code" text DEFAULT 'S' NOT NULL,
	"exemption_reason" text,
	"archived_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invoice_document_facets" ADD CONSTRAINT "invoice_document_facets_document_id_invoice_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."invoice_documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_document_lines" ADD CONSTRAINT "invoice_document_lines_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_document_lines" ADD CONSTRAINT "invoice_document_lines_document_id_invoice_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."invoice_documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_documents" ADD CONSTRAINT "invoice_documents_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_documents" ADD CONSTRAINT "invoice_documents_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_settings" ADD CONSTRAINT "invoice_settings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_number_counters" ADD CONSTRAINT "invoice_number_counters_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_payments" ADD CONSTRAINT "invoice_payments_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_payments" ADD CONSTRAINT "invoice_payments_invoice_id_invoice_documents_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoice_documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_payments" ADD CONSTRAINT "invoice_payments_credit_note_id_invoice_documents_id_fk" FOREIGN KEY ("credit_note_id") REFERENCES "public"."invoice_documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_payments" ADD CONSTRAINT "invoice_payments_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_product_facets" ADD CONSTRAINT "invoice_product_facets_product_id_invoice_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."invoice_products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_products" ADD CONSTRAINT "invoice_products_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_products" ADD CONSTRAINT "invoice_products_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_tax_rates" ADD CONSTRAINT "invoice_tax_rates_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invoice_document_facets_lookup_idx" ON "invoice_document_facets" USING btree ("workspace_id","key","value","document_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_document_lines_doc_idx" ON "invoice_document_lines" USING btree ("document_id","position");--> statement-breakpoint
CREATE INDEX "invoice_document_lines_credited_idx" ON "invoice_document_lines" USING btree ("credited_line_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_documents_number_idx" ON "invoice_documents" USING btree ("workspace_id","kind","number");--> statement-breakpoint
CREATE INDEX "invoice_documents_ws_created_idx" ON "invoice_documents" USING btree ("workspace_id","kind","created_at","id");--> statement-breakpoint
CREATE INDEX "invoice_documents_ws_updated_idx" ON "invoice_documents" USING btree ("workspace_id","kind","updated_at","id");--> statement-breakpoint
CREATE INDEX "invoice_documents_ws_status_idx" ON "invoice_documents" USING btree ("workspace_id","kind","status","created_at","id");--> statement-breakpoint
CREATE INDEX "invoice_documents_ws_client_idx" ON "invoice_documents" USING btree ("workspace_id","client_id","kind","created_at");--> statement-breakpoint
CREATE INDEX "invoice_documents_ws_due_idx" ON "invoice_documents" USING btree ("workspace_id","kind","due_date","id");--> statement-breakpoint
CREATE INDEX "invoice_documents_ws_issue_idx" ON "invoice_documents" USING btree ("workspace_id","kind","issue_date","id");--> statement-breakpoint
CREATE INDEX "invoice_documents_ws_total_idx" ON "invoice_documents" USING btree ("workspace_id","kind","total","id");--> statement-breakpoint
CREATE INDEX "invoice_documents_open_due_idx" ON "invoice_documents" USING btree ("due_date") WHERE status in ('sent', 'viewed', 'partially_paid');--> statement-breakpoint
CREATE INDEX "invoice_payments_ws_created_idx" ON "invoice_payments" USING btree ("workspace_id","created_at","id");--> statement-breakpoint
CREATE INDEX "invoice_payments_invoice_idx" ON "invoice_payments" USING btree ("invoice_id","created_at");--> statement-breakpoint
CREATE INDEX "invoice_payments_client_idx" ON "invoice_payments" USING btree ("workspace_id","client_id","currency");--> statement-breakpoint
CREATE INDEX "invoice_payments_refund_of_idx" ON "invoice_payments" USING btree ("refund_of");--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_payments_gateway_idx" ON "invoice_payments" USING btree ("workspace_id","gateway","gateway_payment_id") WHERE gateway_payment_id is not null;--> statement-breakpoint
CREATE INDEX "invoice_product_facets_lookup_idx" ON "invoice_product_facets" USING btree ("workspace_id","key","value","product_id");--> statement-breakpoint
CREATE INDEX "invoice_products_ws_name_idx" ON "invoice_products" USING btree ("workspace_id","sort_name","id");--> statement-breakpoint
CREATE INDEX "invoice_products_ws_created_idx" ON "invoice_products" USING btree ("workspace_id","created_at","id");--> statement-breakpoint
CREATE INDEX "invoice_products_ws_updated_idx" ON "invoice_products" USING btree ("workspace_id","updated_at","id");--> statement-breakpoint
CREATE INDEX "invoice_tax_rates_ws_idx" ON "invoice_tax_rates" USING btree ("workspace_id","created_at");
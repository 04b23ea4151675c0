CREATE TABLE "invoice_reminders" (
	"workspace_id" uuid NOT NULL,
	"invoice_id" text NOT NULL,
	"offset_days" integer NOT NULL,
	"sent_to" text NOT NULL,
	"sent_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoice_reminders_invoice_id_offset_days_pk" PRIMARY KEY("invoice_id","offset_days")
);
--> statement-breakpoint
CREATE TABLE "invoice_recurring_facets" (
	"workspace_id" uuid NOT NULL,
	"profile_id" text NOT NULL,
	"key" text NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "invoice_recurring_facets_profile_id_key_value_pk" PRIMARY KEY("profile_id","key","value")
);
--> statement-breakpoint
CREATE TABLE "invoice_recurring_profiles" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text,
	"status" text NOT NULL,
	"client_id" text NOT NULL,
	"client_name" text NOT NULL,
	"currency" text NOT NULL,
	"lines" jsonb NOT NULL,
	"discount" jsonb,
	"shipping" bigint DEFAULT 0 NOT NULL,
	"notes" text,
	"terms" text,
	"frequency" text NOT NULL,
	"interval" integer DEFAULT 1 NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date,
	"count" integer,
	"due_days" integer,
	"auto_send" boolean DEFAULT false NOT NULL,
	"total" bigint DEFAULT 0 NOT NULL,
	"generated" integer DEFAULT 0 NOT NULL,
	"next_date" date,
	"last_invoice_id" text,
	"last_error" text,
	"created_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoice_recurring_runs" (
	"workspace_id" uuid NOT NULL,
	"profile_id" text NOT NULL,
	"period_start" date NOT NULL,
	"seq" integer NOT NULL,
	"invoice_id" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoice_recurring_runs_profile_id_period_start_pk" PRIMARY KEY("profile_id","period_start")
);
--> statement-breakpoint
ALTER TABLE "invoice_reminders" ADD CONSTRAINT "invoice_reminders_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_reminders" ADD CONSTRAINT "invoice_reminders_invoice_id_invoice_documents_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoice_documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_recurring_facets" ADD CONSTRAINT "invoice_recurring_facets_profile_id_invoice_recurring_profiles_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."invoice_recurring_profiles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_recurring_profiles" ADD CONSTRAINT "invoice_recurring_profiles_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_recurring_profiles" ADD CONSTRAINT "invoice_recurring_profiles_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_recurring_runs" ADD CONSTRAINT "invoice_recurring_runs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_recurring_runs" ADD CONSTRAINT "invoice_recurring_runs_profile_id_invoice_recurring_profiles_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."invoice_recurring_profiles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_recurring_runs" ADD CONSTRAINT "invoice_recurring_runs_invoice_id_invoice_documents_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoice_documents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invoice_recurring_facets_lookup_idx" ON "invoice_recurring_facets" USING btree ("workspace_id","key","value","profile_id");--> statement-breakpoint
CREATE INDEX "invoice_recurring_ws_created_idx" ON "invoice_recurring_profiles" USING btree ("workspace_id","created_at","id");--> statement-breakpoint
CREATE INDEX "invoice_recurring_ws_updated_idx" ON "invoice_recurring_profiles" USING btree ("workspace_id","updated_at","id");--> statement-breakpoint
CREATE INDEX "invoice_recurring_ws_client_idx" ON "invoice_recurring_profiles" USING btree ("workspace_id","client_id");--> statement-breakpoint
CREATE INDEX "invoice_recurring_due_idx" ON "invoice_recurring_profiles" USING btree ("next_date") WHERE status = 'active';--> statement-breakpoint
SELECT atrium_enable_tenant_rls('invoice_recurring_profiles', false);--> statement-breakpoint
SELECT atrium_enable_tenant_rls('invoice_recurring_facets');--> statement-breakpoint
SELECT atrium_enable_tenant_rls('invoice_recurring_runs');--> statement-breakpoint
SELECT atrium_enable_tenant_rls('invoice_reminders', false);

CREATE TABLE "saved_views" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"record_type" text NOT NULL,
	"name" text NOT NULL,
	"query" jsonb NOT NULL,
	"display" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "saved_views" ADD CONSTRAINT "saved_views_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "saved_views" ADD CONSTRAINT "saved_views_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "saved_views_user_idx" ON "saved_views" USING btree ("workspace_id","user_id","record_type","created_at");--> statement-breakpoint
SELECT atrium_enable_tenant_rls('saved_views');--> statement-breakpoint
-- Saved client views move to the kernel's saved views, with their ids; client_views stays one release.
INSERT INTO "saved_views" ("id", "workspace_id", "user_id", "record_type", "name", "query", "display", "created_at")
  SELECT "id", "workspace_id", "user_id", 'client', "name", "query", "display", "created_at" FROM "client_views"
  ON CONFLICT ("id") DO NOTHING;

CREATE TABLE "search_titles" (
	"record_id" text PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"record_type" text NOT NULL,
	"title" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "search_titles_prefix_idx" ON "search_titles" USING btree ("workspace_id","record_type","title","record_id");
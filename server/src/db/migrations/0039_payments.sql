CREATE TABLE "payment_gateway_connections" (
	"workspace_id" uuid NOT NULL,
	"gateway" text NOT NULL,
	"key_id" text NOT NULL,
	"ciphertext" text NOT NULL,
	"hints" jsonb NOT NULL,
	"mode" text NOT NULL,
	"account_id" text,
	"status" text DEFAULT 'untested' NOT NULL,
	"last_checked_at" timestamp (3) with time zone,
	"last_check_message" text,
	"created_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_gateway_connections_workspace_id_gateway_pk" PRIMARY KEY("workspace_id","gateway")
);
--> statement-breakpoint
CREATE TABLE "payment_gateway_events" (
	"workspace_id" uuid NOT NULL,
	"gateway" text NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"object_id" text,
	"online_payment_id" text,
	"event_created_at" timestamp (3) with time zone NOT NULL,
	"outcome" text NOT NULL,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_gateway_events_workspace_id_gateway_event_id_pk" PRIMARY KEY("workspace_id","gateway","event_id")
);
--> statement-breakpoint
CREATE TABLE "online_payments" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"gateway" text NOT NULL,
	"invoice_id" text NOT NULL,
	"invoice_number" text,
	"client_id" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"amount" bigint NOT NULL,
	"amount_received" bigint DEFAULT 0 NOT NULL,
	"amount_refunded" bigint DEFAULT 0 NOT NULL,
	"currency" text NOT NULL,
	"checkout_session_id" text,
	"checkout_url" text,
	"checkout_expires_at" timestamp (3) with time zone,
	"gateway_payment_id" text,
	"gateway_charge_id" text,
	"balance_transaction_id" text,
	"fee" bigint,
	"net" bigint,
	"fee_currency" text,
	"payment_id" text,
	"dispute_id" text,
	"dispute_status" text,
	"dispute_payment_id" text,
	"failure_message" text,
	"livemode" boolean DEFAULT false NOT NULL,
	"origin" text NOT NULL,
	"created_by" uuid,
	"paid_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "online_refunds" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"online_payment_id" text NOT NULL,
	"gateway_refund_id" text,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"payment_id" text,
	"created_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "payment_gateway_connections" ADD CONSTRAINT "payment_gateway_connections_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_gateway_connections" ADD CONSTRAINT "payment_gateway_connections_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_gateway_events" ADD CONSTRAINT "payment_gateway_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "online_payments" ADD CONSTRAINT "online_payments_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "online_payments" ADD CONSTRAINT "online_payments_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "online_refunds" ADD CONSTRAINT "online_refunds_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "online_refunds" ADD CONSTRAINT "online_refunds_online_payment_id_online_payments_id_fk" FOREIGN KEY ("online_payment_id") REFERENCES "public"."online_payments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "online_refunds" ADD CONSTRAINT "online_refunds_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payment_gateway_events_payment_idx" ON "payment_gateway_events" USING btree ("workspace_id","online_payment_id");--> statement-breakpoint
CREATE INDEX "online_payments_ws_created_idx" ON "online_payments" USING btree ("workspace_id","created_at","id");--> statement-breakpoint
CREATE INDEX "online_payments_invoice_idx" ON "online_payments" USING btree ("workspace_id","invoice_id","created_at");--> statement-breakpoint
CREATE INDEX "online_payments_client_idx" ON "online_payments" USING btree ("workspace_id","client_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "online_payments_session_idx" ON "online_payments" USING btree ("workspace_id","gateway","checkout_session_id") WHERE checkout_session_id is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "online_payments_gateway_payment_idx" ON "online_payments" USING btree ("workspace_id","gateway","gateway_payment_id") WHERE gateway_payment_id is not null;--> statement-breakpoint
CREATE INDEX "online_refunds_payment_idx" ON "online_refunds" USING btree ("online_payment_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "online_refunds_gateway_idx" ON "online_refunds" USING btree ("workspace_id","gateway_refund_id") WHERE gateway_refund_id is not null;
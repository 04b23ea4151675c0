CREATE TABLE "search_word_variants" (
	"workspace_id" uuid NOT NULL,
	"record_type" text NOT NULL,
	"variant" text NOT NULL,
	"word_id" bigint NOT NULL,
	CONSTRAINT "search_word_variants_workspace_id_record_type_variant_word_id_pk" PRIMARY KEY("workspace_id","record_type","variant","word_id")
);

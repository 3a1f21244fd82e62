using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using NpgsqlTypes;

#nullable disable

namespace Omni.Knowledge.Data.Migrations
{
    /// <inheritdoc />
    public partial class ArticlesSearchSuggestions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The search vector is a generated column, which may only call immutable functions: the language's text-search
            // configuration and the tags as text are wrapped as such (array_to_string itself is only stable).
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION knowledge_search_config(language text) RETURNS regconfig
                    LANGUAGE sql IMMUTABLE PARALLEL SAFE
                    AS $$ SELECT CASE language WHEN 'nl' THEN 'pg_catalog.dutch'::regconfig ELSE 'pg_catalog.english'::regconfig END $$;
                CREATE OR REPLACE FUNCTION knowledge_tags_text(tags text[]) RETURNS text
                    LANGUAGE sql IMMUTABLE PARALLEL SAFE
                    AS $$ SELECT array_to_string(tags, ' ') $$;
                """);

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.AddColumn<string>(
                name: "PlainText",
                table: "articles",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "PublishedAt",
                table: "articles",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Slug",
                table: "articles",
                type: "character varying(120)",
                maxLength: 120,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "TranslationKey",
                table: "articles",
                type: "character varying(120)",
                maxLength: 120,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "UpdatedById",
                table: "articles",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UpdatedByName",
                table: "articles",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "articles",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<NpgsqlTsVector>(
                name: "SearchVector",
                table: "articles",
                type: "tsvector",
                nullable: true,
                computedColumnSql: "setweight(to_tsvector(knowledge_search_config(\"Language\"), \"Title\"), 'A') || setweight(to_tsvector(knowledge_search_config(\"Language\"), knowledge_tags_text(\"Tags\")), 'B') || setweight(to_tsvector(knowledge_search_config(\"Language\"), \"PlainText\"), 'C')",
                stored: true);

            // Articles written before slugs, translation keys and versions existed get their own.
            migrationBuilder.Sql("""
                UPDATE articles SET "Slug" = 'article-' || replace("Id"::text, '-', ''), "TranslationKey" = replace("Id"::text, '-', ''),
                                    "PlainText" = "Body", "Version" = 1,
                                    "PublishedAt" = CASE WHEN "Status" = 'Published' THEN "UpdatedAt" END;
                """);

            migrationBuilder.CreateTable(
                name: "article_versions",
                columns: table => new
                {
                    ArticleId = table.Column<Guid>(type: "uuid", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Body = table.Column<string>(type: "text", nullable: false),
                    Tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SavedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AuthorId = table.Column<Guid>(type: "uuid", nullable: true),
                    AuthorName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Change = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_article_versions", x => new { x.ArticleId, x.Version });
                    table.ForeignKey(
                        name: "FK_article_versions_articles_ArticleId",
                        column: x => x.ArticleId,
                        principalTable: "articles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "article_votes",
                columns: table => new
                {
                    ArticleId = table.Column<Guid>(type: "uuid", nullable: false),
                    ConversationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Helpful = table.Column<bool>(type: "boolean", nullable: false),
                    Source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    VotedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_article_votes", x => new { x.ArticleId, x.ConversationId });
                    table.ForeignKey(
                        name: "FK_article_votes_articles_ArticleId",
                        column: x => x.ArticleId,
                        principalTable: "articles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "conversation_contexts",
                columns: table => new
                {
                    ConversationId = table.Column<Guid>(type: "uuid", nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    LanguageSource = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_conversation_contexts", x => x.ConversationId);
                });

            migrationBuilder.CreateTable(
                name: "search_gaps",
                columns: table => new
                {
                    Language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Query = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    SearchCount = table.Column<int>(type: "integer", nullable: false),
                    QuestionCount = table.Column<int>(type: "integer", nullable: false),
                    BestConfidence = table.Column<double>(type: "double precision", nullable: false),
                    FirstSeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastSeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_search_gaps", x => new { x.Language, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "search_terms",
                columns: table => new
                {
                    Language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Word = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Lexemes = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Documents = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_search_terms", x => new { x.Language, x.Word });
                });

            migrationBuilder.CreateTable(
                name: "conversation_texts",
                columns: table => new
                {
                    MessageId = table.Column<Guid>(type: "uuid", nullable: false),
                    ConversationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Text = table.Column<string>(type: "text", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_conversation_texts", x => x.MessageId);
                    table.ForeignKey(
                        name: "FK_conversation_texts_conversation_contexts_ConversationId",
                        column: x => x.ConversationId,
                        principalTable: "conversation_contexts",
                        principalColumn: "ConversationId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_articles_Language_Slug",
                table: "articles",
                columns: new[] { "Language", "Slug" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_articles_SearchVector",
                table: "articles",
                column: "SearchVector")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "IX_articles_Tags",
                table: "articles",
                column: "Tags")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "IX_articles_Title_trgm",
                table: "articles",
                column: "Title")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "IX_articles_TranslationKey_Language",
                table: "articles",
                columns: new[] { "TranslationKey", "Language" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_conversation_contexts_CustomerId",
                table: "conversation_contexts",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_conversation_contexts_UpdatedAt",
                table: "conversation_contexts",
                column: "UpdatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_conversation_texts_ConversationId_ReceivedAt",
                table: "conversation_texts",
                columns: new[] { "ConversationId", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_search_gaps_LastSeenAt",
                table: "search_gaps",
                column: "LastSeenAt");

            migrationBuilder.CreateIndex(
                name: "IX_search_terms_Language_Lexemes",
                table: "search_terms",
                columns: new[] { "Language", "Lexemes" });

            migrationBuilder.CreateIndex(
                name: "IX_search_terms_Word_trgm_en",
                table: "search_terms",
                column: "Word",
                filter: "\"Language\" = 'en'")
                .Annotation("Npgsql:IndexMethod", "gist")
                .Annotation("Npgsql:IndexOperators", new[] { "gist_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "IX_search_terms_Word_trgm_nl",
                table: "search_terms",
                column: "Word",
                filter: "\"Language\" = 'nl'")
                .Annotation("Npgsql:IndexMethod", "gist")
                .Annotation("Npgsql:IndexOperators", new[] { "gist_trgm_ops" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "article_versions");

            migrationBuilder.DropTable(
                name: "article_votes");

            migrationBuilder.DropTable(
                name: "conversation_texts");

            migrationBuilder.DropTable(
                name: "search_gaps");

            migrationBuilder.DropTable(
                name: "search_terms");

            migrationBuilder.DropTable(
                name: "conversation_contexts");

            migrationBuilder.DropIndex(
                name: "IX_articles_Language_Slug",
                table: "articles");

            migrationBuilder.DropIndex(
                name: "IX_articles_SearchVector",
                table: "articles");

            migrationBuilder.DropIndex(
                name: "IX_articles_Tags",
                table: "articles");

            migrationBuilder.DropIndex(
                name: "IX_articles_Title_trgm",
                table: "articles");

            migrationBuilder.DropIndex(
                name: "IX_articles_TranslationKey_Language",
                table: "articles");

            migrationBuilder.DropColumn(
                name: "SearchVector",
                table: "articles");

            migrationBuilder.DropColumn(
                name: "PlainText",
                table: "articles");

            migrationBuilder.DropColumn(
                name: "PublishedAt",
                table: "articles");

            migrationBuilder.DropColumn(
                name: "Slug",
                table: "articles");

            migrationBuilder.DropColumn(
                name: "TranslationKey",
                table: "articles");

            migrationBuilder.DropColumn(
                name: "UpdatedById",
                table: "articles");

            migrationBuilder.DropColumn(
                name: "UpdatedByName",
                table: "articles");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "articles");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS knowledge_search_config(text); DROP FUNCTION IF EXISTS knowledge_tags_text(text[]);");
        }
    }
}

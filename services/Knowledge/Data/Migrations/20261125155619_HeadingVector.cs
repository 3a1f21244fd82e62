using Microsoft.EntityFrameworkCore.Migrations;
using NpgsqlTypes;

#nullable disable

namespace Omni.Knowledge.Data.Migrations
{
    /// <inheritdoc />
    public partial class HeadingVector : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<NpgsqlTsVector>(
                name: "HeadingVector",
                table: "articles",
                type: "tsvector",
                nullable: true,
                computedColumnSql: "setweight(to_tsvector(knowledge_search_config(\"Language\"), \"Title\"), 'A') || setweight(to_tsvector(knowledge_search_config(\"Language\"), knowledge_tags_text(\"Tags\")), 'B')",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "IX_articles_HeadingVector",
                table: "articles",
                column: "HeadingVector")
                .Annotation("Npgsql:IndexMethod", "gin");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_articles_HeadingVector",
                table: "articles");

            migrationBuilder.DropColumn(
                name: "HeadingVector",
                table: "articles");
        }
    }
}

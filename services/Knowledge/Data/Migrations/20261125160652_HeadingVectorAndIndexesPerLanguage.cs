using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Omni.Knowledge.Data.Migrations
{
    /// <inheritdoc />
    public partial class HeadingVectorAndIndexesPerLanguage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_articles_HeadingVector",
                table: "articles");

            migrationBuilder.DropIndex(
                name: "IX_articles_SearchVector",
                table: "articles");

            migrationBuilder.CreateIndex(
                name: "IX_articles_HeadingVector_en",
                table: "articles",
                column: "HeadingVector",
                filter: "\"Language\" = 'en'")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "IX_articles_HeadingVector_nl",
                table: "articles",
                column: "HeadingVector",
                filter: "\"Language\" = 'nl'")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "IX_articles_SearchVector_en",
                table: "articles",
                column: "SearchVector",
                filter: "\"Language\" = 'en'")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "IX_articles_SearchVector_nl",
                table: "articles",
                column: "SearchVector",
                filter: "\"Language\" = 'nl'")
                .Annotation("Npgsql:IndexMethod", "gin");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_articles_HeadingVector_en",
                table: "articles");

            migrationBuilder.DropIndex(
                name: "IX_articles_HeadingVector_nl",
                table: "articles");

            migrationBuilder.DropIndex(
                name: "IX_articles_SearchVector_en",
                table: "articles");

            migrationBuilder.DropIndex(
                name: "IX_articles_SearchVector_nl",
                table: "articles");

            migrationBuilder.CreateIndex(
                name: "IX_articles_HeadingVector",
                table: "articles",
                column: "HeadingVector")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "IX_articles_SearchVector",
                table: "articles",
                column: "SearchVector")
                .Annotation("Npgsql:IndexMethod", "gin");
        }
    }
}

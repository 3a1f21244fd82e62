using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Omni.Channel.Data.Migrations
{
    /// <inheritdoc />
    public partial class ExternalIdPerAccount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_messages_Channel_ExternalId",
                table: "messages");

            migrationBuilder.CreateIndex(
                name: "IX_messages_Channel_AccountId_ExternalId",
                table: "messages",
                columns: new[] { "Channel", "AccountId", "ExternalId" },
                unique: true,
                filter: "\"ExternalId\" IS NOT NULL")
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "IX_messages_Channel_ExternalId",
                table: "messages",
                columns: new[] { "Channel", "ExternalId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_messages_Channel_AccountId_ExternalId",
                table: "messages");

            migrationBuilder.DropIndex(
                name: "IX_messages_Channel_ExternalId",
                table: "messages");

            migrationBuilder.CreateIndex(
                name: "IX_messages_Channel_ExternalId",
                table: "messages",
                columns: new[] { "Channel", "ExternalId" },
                unique: true,
                filter: "\"ExternalId\" IS NOT NULL");
        }
    }
}

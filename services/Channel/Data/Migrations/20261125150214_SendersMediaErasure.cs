using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Omni.Channel.Data.Migrations
{
    /// <inheritdoc />
    public partial class SendersMediaErasure : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ErasedAt",
                table: "messages",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Sender",
                table: "messages",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "FetchAttempts",
                table: "message_attachments",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "NextFetchAt",
                table: "message_attachments",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "State",
                table: "message_attachments",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "StateReason",
                table: "message_attachments",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            // Files that came with their bytes are stored; a provider's reference of an inbound message is still to be fetched.
            migrationBuilder.Sql("""
                UPDATE message_attachments a SET "State" = CASE
                    WHEN a."Content" IS NULL AND a."ProviderReference" IS NOT NULL
                         AND EXISTS (SELECT 1 FROM messages m WHERE m."Id" = a."MessageId" AND m."Direction" = 'Inbound') THEN 'Pending'
                    ELSE 'Stored' END;
                UPDATE message_attachments SET "NextFetchAt" = now() WHERE "State" = 'Pending';
                """);

            migrationBuilder.CreateIndex(
                name: "IX_message_attachments_NextFetchAt",
                table: "message_attachments",
                column: "NextFetchAt",
                filter: "\"NextFetchAt\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_message_attachments_NextFetchAt",
                table: "message_attachments");

            migrationBuilder.DropColumn(
                name: "ErasedAt",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "Sender",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "FetchAttempts",
                table: "message_attachments");

            migrationBuilder.DropColumn(
                name: "NextFetchAt",
                table: "message_attachments");

            migrationBuilder.DropColumn(
                name: "State",
                table: "message_attachments");

            migrationBuilder.DropColumn(
                name: "StateReason",
                table: "message_attachments");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Omni.Channel.Data.Migrations
{
    /// <inheritdoc />
    public partial class ConversationNotices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "conversation_notices",
                columns: table => new
                {
                    ConversationId = table.Column<Guid>(type: "uuid", nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: true),
                    EstimatedWaitSeconds = table.Column<int>(type: "integer", nullable: true),
                    LastToldAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastStatusAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_conversation_notices", x => x.ConversationId);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "conversation_notices");
        }
    }
}

using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Omni.Routing.Data.Migrations
{
    /// <inheritdoc />
    public partial class QueuesAgentsAndDecisions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_conversations_one_open_per_customer",
                table: "conversations");

            migrationBuilder.AddColumn<Guid>(
                name: "AgentId",
                table: "conversations",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "AssignedAt",
                table: "conversations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<List<Guid>>(
                name: "ExcludedAgents",
                table: "conversations",
                type: "uuid[]",
                nullable: false,
                // Conversations stored before this migration exclude nobody.
                defaultValueSql: "'{}'::uuid[]");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "FirstResponseAt",
                table: "conversations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "FirstResponseDueAt",
                table: "conversations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "conversations",
                type: "character varying(8)",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LastBotAnswerAt",
                table: "conversations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "OfferExpiresAt",
                table: "conversations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "OfferedAgentId",
                table: "conversations",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "PreviousAgentId",
                table: "conversations",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Priority",
                table: "conversations",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<Guid>(
                name: "QueueId",
                table: "conversations",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "QueuedAt",
                table: "conversations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ReopenedFromId",
                table: "conversations",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ResolutionDueAt",
                table: "conversations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ResolvedAt",
                table: "conversations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "State",
                table: "conversations",
                type: "character varying(24)",
                maxLength: 24,
                nullable: false,
                defaultValue: "");

            // Conversations from before states: open ones as if with the bot, which the router hands to a person; the rest resolved.
            migrationBuilder.Sql("UPDATE conversations SET \"State\" = CASE WHEN \"Status\" = 'Open' THEN 'bot' ELSE 'resolved' END;");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "conversations");

            migrationBuilder.AddColumn<string>(
                name: "Summary",
                table: "conversations",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ToldPosition",
                table: "conversations",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ToldWaitSeconds",
                table: "conversations",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Topic",
                table: "conversations",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Units",
                table: "conversations",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                table: "conversations",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);

            migrationBuilder.CreateTable(
                name: "agents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Disabled = table.Column<bool>(type: "boolean", nullable: false),
                    Skills = table.Column<string>(type: "jsonb", nullable: false),
                    Capacity = table.Column<int>(type: "integer", nullable: false),
                    IdleSince = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "queues",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    RequiredSkills = table.Column<string>(type: "jsonb", nullable: false),
                    Priority = table.Column<int>(type: "integer", nullable: false),
                    Channels = table.Column<List<string>>(type: "text[]", nullable: false),
                    Topics = table.Column<List<string>>(type: "text[]", nullable: false),
                    Languages = table.Column<List<string>>(type: "text[]", nullable: false),
                    IsDefault = table.Column<bool>(type: "boolean", nullable: false),
                    Hours = table.Column<string>(type: "jsonb", nullable: false),
                    FirstResponseTargetSeconds = table.Column<int>(type: "integer", nullable: false),
                    ResolutionTargetSeconds = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_queues", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "routing_decisions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ConversationId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Kind = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    AgentId = table.Column<Guid>(type: "uuid", nullable: true),
                    QueueId = table.Column<Guid>(type: "uuid", nullable: true),
                    ActorId = table.Column<Guid>(type: "uuid", nullable: true),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_routing_decisions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_conversations_AgentId",
                table: "conversations",
                column: "AgentId",
                filter: "\"AgentId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_conversations_OfferedAgentId",
                table: "conversations",
                column: "OfferedAgentId",
                filter: "\"OfferedAgentId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_conversations_one_open_per_customer",
                table: "conversations",
                column: "CustomerId",
                unique: true,
                filter: "\"State\" IN ('new', 'bot', 'queued', 'assigned', 'waiting-on-customer')");

            migrationBuilder.CreateIndex(
                name: "IX_conversations_State",
                table: "conversations",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "ix_conversations_waiting",
                table: "conversations",
                columns: new[] { "QueueId", "Priority", "QueuedAt" },
                filter: "\"State\" = 'queued'");

            migrationBuilder.CreateIndex(
                name: "IX_queues_IsDefault",
                table: "queues",
                column: "IsDefault",
                unique: true,
                filter: "\"IsDefault\"");

            migrationBuilder.CreateIndex(
                name: "IX_queues_Name",
                table: "queues",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_routing_decisions_ConversationId_At",
                table: "routing_decisions",
                columns: new[] { "ConversationId", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "agents");

            migrationBuilder.DropTable(
                name: "queues");

            migrationBuilder.DropTable(
                name: "routing_decisions");

            migrationBuilder.DropIndex(
                name: "IX_conversations_AgentId",
                table: "conversations");

            migrationBuilder.DropIndex(
                name: "IX_conversations_OfferedAgentId",
                table: "conversations");

            migrationBuilder.DropIndex(
                name: "ix_conversations_one_open_per_customer",
                table: "conversations");

            migrationBuilder.DropIndex(
                name: "IX_conversations_State",
                table: "conversations");

            migrationBuilder.DropIndex(
                name: "ix_conversations_waiting",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "AgentId",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "AssignedAt",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "ExcludedAgents",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "FirstResponseAt",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "FirstResponseDueAt",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "Language",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "LastBotAnswerAt",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "OfferExpiresAt",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "OfferedAgentId",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "PreviousAgentId",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "Priority",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "QueueId",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "QueuedAt",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "ReopenedFromId",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "ResolutionDueAt",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "ResolvedAt",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "State",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "Summary",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "ToldPosition",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "ToldWaitSeconds",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "Topic",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "Units",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "xmin",
                table: "conversations");

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "conversations",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "ix_conversations_one_open_per_customer",
                table: "conversations",
                column: "CustomerId",
                unique: true,
                filter: "\"Status\" = 'Open'");
        }
    }
}

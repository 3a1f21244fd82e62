using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Omni.Identity.Data.Migrations
{
    /// <inheritdoc />
    public partial class ProfilesMergesVerificationAgentsPartners : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Attributes",
                table: "customers",
                type: "jsonb",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ErasedAt",
                table: "customers",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "MergedIntoId",
                table: "customers",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PreferredLanguage",
                table: "customers",
                type: "character varying(8)",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VipTier",
                table: "customers",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                table: "customers",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);

            migrationBuilder.AddColumn<string>(
                name: "LookAlikeKey",
                table: "customer_identities",
                type: "character varying(320)",
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "VerifiedAt",
                table: "customer_identities",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VerifiedMethod",
                table: "customer_identities",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "agents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    PasswordHash = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Roles = table.Column<List<string>>(type: "text[]", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DisabledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "merge_suggestions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    OtherCustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Evidence = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DecidedBy = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_merge_suggestions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "merges",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SurvivorId = table.Column<Guid>(type: "uuid", nullable: false),
                    MergedId = table.Column<Guid>(type: "uuid", nullable: false),
                    MergedBy = table.Column<Guid>(type: "uuid", nullable: true),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    MergedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    MovedIdentityIds = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    SurvivorBefore = table.Column<string>(type: "jsonb", nullable: false),
                    MergedBefore = table.Column<string>(type: "jsonb", nullable: false),
                    UndoneAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UndoneBy = table.Column<Guid>(type: "uuid", nullable: true),
                    UndoReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_merges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "partner_keys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Partner = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Prefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SecretHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Scopes = table.Column<List<string>>(type: "text[]", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<Guid>(type: "uuid", nullable: true),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastUsedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_partner_keys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "verification_codes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Address = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    CodeHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FailedAttempts = table.Column<int>(type: "integer", nullable: false),
                    ConsumedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_verification_codes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "website_secrets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Site = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Secret = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_website_secrets", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_customers_DisplayName",
                table: "customers",
                column: "DisplayName");

            migrationBuilder.CreateIndex(
                name: "IX_customer_identities_LookAlikeKey",
                table: "customer_identities",
                column: "LookAlikeKey");

            migrationBuilder.CreateIndex(
                name: "IX_agents_Email",
                table: "agents",
                column: "Email",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_merge_suggestions_CustomerId_OtherCustomerId",
                table: "merge_suggestions",
                columns: new[] { "CustomerId", "OtherCustomerId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_merge_suggestions_Status",
                table: "merge_suggestions",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_merges_MergedId",
                table: "merges",
                column: "MergedId");

            migrationBuilder.CreateIndex(
                name: "IX_merges_SurvivorId",
                table: "merges",
                column: "SurvivorId");

            migrationBuilder.CreateIndex(
                name: "IX_partner_keys_Prefix",
                table: "partner_keys",
                column: "Prefix",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_verification_codes_CustomerId_Kind_Address",
                table: "verification_codes",
                columns: new[] { "CustomerId", "Kind", "Address" });

            migrationBuilder.CreateIndex(
                name: "IX_website_secrets_Site",
                table: "website_secrets",
                column: "Site",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "agents");

            migrationBuilder.DropTable(
                name: "merge_suggestions");

            migrationBuilder.DropTable(
                name: "merges");

            migrationBuilder.DropTable(
                name: "partner_keys");

            migrationBuilder.DropTable(
                name: "verification_codes");

            migrationBuilder.DropTable(
                name: "website_secrets");

            migrationBuilder.DropIndex(
                name: "IX_customers_DisplayName",
                table: "customers");

            migrationBuilder.DropIndex(
                name: "IX_customer_identities_LookAlikeKey",
                table: "customer_identities");

            migrationBuilder.DropColumn(
                name: "Attributes",
                table: "customers");

            migrationBuilder.DropColumn(
                name: "ErasedAt",
                table: "customers");

            migrationBuilder.DropColumn(
                name: "MergedIntoId",
                table: "customers");

            migrationBuilder.DropColumn(
                name: "PreferredLanguage",
                table: "customers");

            migrationBuilder.DropColumn(
                name: "VipTier",
                table: "customers");

            migrationBuilder.DropColumn(
                name: "xmin",
                table: "customers");

            migrationBuilder.DropColumn(
                name: "LookAlikeKey",
                table: "customer_identities");

            migrationBuilder.DropColumn(
                name: "VerifiedAt",
                table: "customer_identities");

            migrationBuilder.DropColumn(
                name: "VerifiedMethod",
                table: "customer_identities");
        }
    }
}

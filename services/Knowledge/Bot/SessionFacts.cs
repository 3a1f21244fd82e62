using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace Omni.Knowledge.Bot;

/// <summary>
/// The facts a customer's session context already holds (Redis hash <c>omni:session:{customerId}</c>, shared by every
/// service; each writes its own fields), so the bot never asks for them again; and the facts the bot learns from the
/// customer's words, written back as <c>facts.*</c> for the agent and the other channels. A cache: losing it only
/// means the bot may ask once more.
/// </summary>
public sealed partial class SessionFacts(IConnectionMultiplexer redis)
{
    public const string OrderNumber = "facts.order_number";

    private static RedisKey Key(Guid customerId) => $"omni:session:{customerId:N}";

    public async Task<IReadOnlyDictionary<string, string>> ReadAsync(Guid customerId)
    {
        var entries = await redis.GetDatabase().HashGetAllAsync(Key(customerId));
        return entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
    }

    public Task WriteAsync(Guid customerId, IReadOnlyDictionary<string, string> fields) =>
        fields.Count == 0
            ? Task.CompletedTask
            : redis.GetDatabase().HashSetAsync(Key(customerId), [.. fields.Select(f => new HashEntry(f.Key, f.Value))]);

    /// <summary>An order number in the customer's words ("order 1234567", "bestelnummer: 1234567", or a bare 6–12 digit number).</summary>
    public static string? FindOrderNumber(string text)
    {
        var named = NamedOrder().Match(text);
        if (named.Success) return named.Groups["number"].Value;
        var bare = BareNumber().Match(text);
        return bare.Success ? bare.Value : null;
    }

    [GeneratedRegex(@"(?:order|bestelling|bestel|ordernummer|bestelnummer|order\s*number|order\s*no\.?)\s*(?:nr\.?|nummer|number|#)?\s*[:#]?\s*(?<number>[A-Z0-9-]{4,20}\d)", RegexOptions.IgnoreCase)]
    private static partial Regex NamedOrder();

    [GeneratedRegex(@"(?<![\d+])\d{6,12}(?!\d)")]
    private static partial Regex BareNumber();
}

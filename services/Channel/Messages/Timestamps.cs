namespace Omni.Channel.Messages;

public static class Timestamps
{
    /// <summary>The instant as PostgreSQL stores it (microseconds), so what an API answers equals what it later reads back.</summary>
    public static DateTimeOffset TruncateToMicroseconds(this DateTimeOffset value) => value.AddTicks(-(value.Ticks % 10));
}

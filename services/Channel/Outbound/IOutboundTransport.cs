using Omni.Channel.Accounts;
using Omni.Channel.Messages;

namespace Omni.Channel.Outbound;

/// <summary>What one attempt to hand a message to its provider came to.</summary>
public abstract record TransportResult
{
    /// <summary>The provider took it; its id for the message, when it gives one (status callbacks refer to it).</summary>
    public sealed record Accepted(string? ProviderMessageId, MessageStatus Status = MessageStatus.Sent) : TransportResult;

    /// <summary>It may work later (a timeout, the provider's 5xx or 429): retried with backoff.</summary>
    public sealed record Retry(string Reason) : TransportResult;

    /// <summary>It will never work (the provider refused the recipient or the content): failed at once.</summary>
    public sealed record Failed(string Reason) : TransportResult;
}

/// <summary>Sends messages out on one channel, in its provider's format.</summary>
public interface IOutboundTransport
{
    /// <summary>The channel name it serves (<see cref="AccountKinds"/>).</summary>
    string Channel { get; }

    /// <summary>
    /// Refuses a message before it is queued when the channel's rules forbid it (WhatsApp's 24-hour window, say);
    /// the reason reaches the caller as a 422.
    /// </summary>
    Task<string?> RefuseAsync(Message draft, ChannelAccount account, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>One attempt. Exceptions count as <see cref="TransportResult.Retry"/>.</summary>
    Task<TransportResult> SendAsync(Message message, ChannelAccount account, CancellationToken cancellationToken);
}

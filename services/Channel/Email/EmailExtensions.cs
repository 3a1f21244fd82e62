using MailKit.Security;
using Omni.Channel.Outbound;

namespace Omni.Channel.Email;

/// <summary>The SMTP listener for the support mailboxes (<c>Channel:Smtp</c>).</summary>
public sealed class SmtpListenerOptions
{
    /// <summary>Address to listen on. Loopback by default: in production a public MX relays to it.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Port to listen on (the AppHost's <c>smtp</c> endpoint sets it); 0 takes a free one; unset: no listener.</summary>
    public int? Port { get; set; }

    /// <summary>Name in the greeting and EHLO reply.</summary>
    public string ServerName { get; set; } = "omni-channel";

    /// <summary>Largest message taken, in bytes; advertised as SIZE and refused with 552 above it.</summary>
    public int MaxMessageSize { get; set; } = 25 * 1024 * 1024;

    /// <summary>How long a client may stay silent before the session is closed.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Parsing of inbound mail and the relay for outbound mail (<c>Channel:Email</c>).</summary>
public sealed class EmailOptions
{
    /// <summary>The SMTP server outbound mail is handed to; unset: e-mail cannot be sent (422 when queueing).</summary>
    public string? RelayHost { get; set; }

    public int RelayPort { get; set; } = 25;

    /// <summary>TLS towards the relay: Auto (TLS on 465, STARTTLS when offered otherwise), None, StartTls, StartTlsWhenAvailable, SslOnConnect.</summary>
    public SecureSocketOptions RelaySecurity { get; set; } = SecureSocketOptions.Auto;

    public string? RelayUserName { get; set; }

    /// <summary>A secret: from user secrets or the environment, never from a committed file.</summary>
    public string? RelayPassword { get; set; }

    /// <summary>Largest attachment kept, in bytes; bigger ones are dropped with a note in the message's metadata.</summary>
    public long MaxAttachmentSize { get; set; } = 10 * 1024 * 1024;

    /// <summary>Most attachments kept from one message.</summary>
    public int MaxAttachments { get; set; } = 20;

    /// <summary>File extensions dropped besides the built-in executable and script types (".exe", ".js", …).</summary>
    public List<string> BlockedExtensions { get; set; } = [];

    /// <summary>Longest text kept (the agent's text and the original), in characters.</summary>
    public int MaxTextLength { get; set; } = 200_000;

    /// <summary>Subject of an e-mail that does not answer one of the customer's (a first message from us).</summary>
    public string DefaultSubject { get; set; } = "Message from {0}";
}

public static class EmailExtensions
{
    /// <summary>The e-mail channel: the SMTP listener for support mailboxes and the outbound transport through the relay.</summary>
    public static IHostApplicationBuilder AddEmail(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SmtpListenerOptions>().BindConfiguration("Channel:Smtp");
        builder.Services.AddOptions<EmailOptions>().BindConfiguration("Channel:Email");
        builder.Services.AddSingleton<EmailParser>();
        builder.Services.AddSingleton<SupportMailboxFilter>();
        builder.Services.AddSingleton<EmailMessageStore>();
        builder.Services.AddSingleton<SmtpListener>();
        builder.Services.AddHostedService(services => services.GetRequiredService<SmtpListener>());
        builder.Services.AddSingleton<IOutboundTransport, EmailTransport>();
        return builder;
    }
}

namespace Omni.Channel.WebChat;

/// <summary>Settings of the web chat (<c>Channel:WebChat</c>).</summary>
public sealed class WebChatOptions
{
    /// <summary>Largest attachment a visitor may upload; larger ones get 413.</summary>
    public long MaxAttachmentBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Attachment types a visitor may upload (checked against the file's first bytes too); others get 415.</summary>
    public string[] AttachmentTypes { get; set; } = ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"];

    /// <summary>How many of the latest messages <c>History()</c> returns.</summary>
    public int HistoryLimit { get; set; } = 200;

    /// <summary>Deadline of one call to identity (resolving a visitor, checking a login proof).</summary>
    public TimeSpan IdentityTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

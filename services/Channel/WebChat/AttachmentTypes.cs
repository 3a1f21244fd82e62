namespace Omni.Channel.WebChat;

/// <summary>Checks that a file is what its declared type says, by its first bytes, so a renamed executable is not stored as an image.</summary>
public static class AttachmentTypes
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> JpegSignature => [0xFF, 0xD8, 0xFF];

    public static bool ContentMatches(string contentType, ReadOnlySpan<byte> head) => contentType switch
    {
        "image/png" => head.StartsWith(PngSignature),
        "image/jpeg" => head.StartsWith(JpegSignature),
        "image/gif" => head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8),
        "image/webp" => head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8),
        "application/pdf" => head.StartsWith("%PDF-"u8),
        // A type configured without a known signature is taken on the browser's word.
        _ => true,
    };

    /// <summary>A file name safe to store and to offer for download: no path, no control characters, bounded.</summary>
    public static string SafeFileName(string? name, string contentType)
    {
        var clean = new string(Path.GetFileName(name ?? "").Where(c => !char.IsControl(c) && c is not ('"' or '\\' or '/')).ToArray()).Trim();
        if (clean.Length == 0) clean = "attachment" + contentType switch
        {
            "image/png" => ".png",
            "image/jpeg" => ".jpg",
            "image/gif" => ".gif",
            "image/webp" => ".webp",
            "application/pdf" => ".pdf",
            _ => "",
        };
        return clean.Length <= 255 ? clean : clean[^255..];
    }
}

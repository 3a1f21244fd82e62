namespace Omni.Channel.Tests.Support;

/// <summary>Files as customers send them: the right first bytes for their type, and filler after.</summary>
public static class MediaFiles
{
    public static byte[] Jpeg(int size) => Of([0xFF, 0xD8, 0xFF, 0xE0], size);

    public static byte[] Png(int size) => Of([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], size);

    public static byte[] Pdf(int size) => Of("%PDF-1.7\n"u8.ToArray(), size);

    /// <summary>A Windows executable's first bytes ("MZ"): what a renamed program looks like.</summary>
    public static byte[] Executable(int size) => Of("MZ"u8.ToArray(), size);

    private static byte[] Of(byte[] head, int size)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        head.CopyTo(bytes, 0);
        return bytes;
    }
}

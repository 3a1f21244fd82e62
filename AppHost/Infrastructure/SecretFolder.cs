using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace Omni.AppHost.Infrastructure;

/// <summary>
/// Secrets generated on first use and kept, owner-only, in one folder (<c>.omni/secrets/</c> by default) so they
/// survive restarts and never enter the repository. Every infrastructure mode has one: local servers keep their
/// passwords here, identity its signing key and the first admin's password.
/// </summary>
public sealed class SecretFolder(string path)
{
    /// <summary>Letters and digits only: such a value goes into URIs and connection strings unescaped.</summary>
    private const string PasswordAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public string Path { get; } = path;

    /// <summary>Omni's data folder: <c>Omni:DataPath</c>, or <c>.omni/</c> beside the solution.</summary>
    public static string DataPath(IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration["Omni:DataPath"];
        return System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(configured)
            ? System.IO.Path.Combine(builder.AppHostDirectory, "..", ".omni")
            : configured);
    }

    /// <summary>The <c>secrets</c> folder of Omni's data folder.</summary>
    public static SecretFolder For(IDistributedApplicationBuilder builder) => new(System.IO.Path.Combine(DataPath(builder), "secrets"));

    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A 32-character password of letters and digits.</summary>
    public string Password(string name) => Get(name, () => RandomNumberGenerator.GetString(PasswordAlphabet, 32));

    /// <summary>The secret <paramref name="name"/>, made by <paramref name="generate"/> the first time.</summary>
    public string Get(string name, Func<string> generate)
    {
        Directory.CreateDirectory(Path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var file = PathOf(name);
        if (File.Exists(file)) return File.ReadAllText(file).Trim();

        var secret = generate();
        // Created owner-only from the start, so the value is never readable by others, not even for a moment.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var writer = new StreamWriter(file, options);
            writer.Write(secret);
        }
        catch (IOException) when (File.Exists(file))
        {
            return File.ReadAllText(file).Trim(); // another AppHost made it at the same moment; theirs counts
        }
        return secret;
    }
}

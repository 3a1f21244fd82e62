using System.Diagnostics;
using System.Security.Cryptography;

namespace Omni.AppHost.Infrastructure;

/// <summary>
/// Where local servers keep their data and as whom they run. Data lives under <c>.omni/</c> beside the solution
/// (git-ignored, kept across restarts). Run as root, each server runs as its own OS user; a user that cannot
/// reach <c>.omni/</c> (a checkout below a 0700 home, say) gets a folder under <c>/var/lib/omni</c> instead.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class LocalLayout
{
    private LocalLayout(string root, bool runAsRoot, string? relocatedFrom)
    {
        Root = root;
        RunAsRoot = runAsRoot;
        RelocatedFrom = relocatedFrom;
    }

    public string Root { get; }

    public bool RunAsRoot { get; }

    /// <summary>Set when <c>.omni/</c> could not be reached by the servers' users and <see cref="Root"/> is the stand-in.</summary>
    public string? RelocatedFrom { get; }

    /// <summary>A short, stable id of this data folder: names Erlang nodes so two checkouts never collide.</summary>
    public string Id => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Root)))[..10];

    public static LocalLayout Create(IDistributedApplicationBuilder builder)
    {
        var root = SecretFolder.DataPath(builder);
        var runAsRoot = Environment.UserName == "root";
        Directory.CreateDirectory(root);

        if (runAsRoot && !TraversableByOthers(root))
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(root)))[..12];
            var standIn = Path.Combine("/var/lib/omni", hash);
            Directory.CreateDirectory(standIn);
            File.SetUnixFileMode("/var/lib/omni", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            File.WriteAllText(Path.Combine(root, "WHERE-THE-DATA-IS"), standIn + "\n");
            return new LocalLayout(standIn, runAsRoot, root);
        }
        return new LocalLayout(root, runAsRoot, null);
    }

    /// <summary>A folder for one server, owned by the user it runs as.</summary>
    public string ServerDirectory(string name, string user, params string[] subfolders)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        foreach (var sub in subfolders) Directory.CreateDirectory(Path.Combine(path, sub));
        if (RunAsRoot) Run("chown", "-R", $"{user}:{user}", path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>A password generated on first use and kept (owner-only) beside the data it protects; never committed.</summary>
    public string Secret(string name) => new SecretFolder(Path.Combine(Root, "secrets")).Password(name);

    /// <summary>The command and leading arguments that start <paramref name="binary"/> as <paramref name="user"/>.</summary>
    /// <remarks><c>setpriv</c> replaces itself with the server, so the process the orchestrator watches is the server itself.</remarks>
    public (string Command, string[] Prefix) RunAs(string user, string binary) => RunAsRoot
        ? ("setpriv", [$"--reuid={user}", $"--regid={user}", "--init-groups", binary])
        : (binary, []);

    public static void Run(string command, params string[] arguments)
    {
        var info = new ProcessStartInfo(command, arguments) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {command}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
        }
    }

    private static bool TraversableByOthers(string path)
    {
        for (var dir = new DirectoryInfo(path); dir is not null; dir = dir.Parent)
        {
            if ((dir.UnixFileMode & UnixFileMode.OtherExecute) == 0) return false;
        }
        return true;
    }

    /// <summary>Finds a server binary from the OS packages, or says how to install it.</summary>
    public static string Find(string description, string package, params string[] candidates)
    {
        foreach (var pattern in candidates)
        {
            var dir = Path.GetDirectoryName(pattern)!;
            var found = dir.Contains('*')
                ? ExpandVersionedDirectory(dir).Select(d => Path.Combine(d, Path.GetFileName(pattern))).FirstOrDefault(File.Exists)
                : File.Exists(pattern) ? pattern : null;
            if (found is not null) return found;
        }
        throw new InvalidOperationException(
            $"No {description} found ({string.Join(", ", candidates)}). Install the OS package '{package}' (./omni up does this) " +
            "or start a container engine, or set Omni:Infrastructure=external with connection strings.");
    }

    // /usr/lib/postgresql/*/bin → the highest version first.
    private static IEnumerable<string> ExpandVersionedDirectory(string pattern)
    {
        var star = pattern.IndexOf('*');
        var parent = pattern[..star].TrimEnd('/');
        var rest = pattern[(star + 1)..].TrimStart('/');
        if (!Directory.Exists(parent)) return [];
        return Directory.GetDirectories(parent)
            .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
            .Select(d => Path.Combine(d, rest));
    }
}

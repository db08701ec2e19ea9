using System.Collections.Frozen;
using System.Reflection;

namespace Synod.Silo.Dashboard;

/// <summary>
/// The dashboard's page, script, style and the vendored charting library (Chart.js, MIT), embedded
/// in the silo's assembly so the dashboard works offline with nothing to deploy beside the silo.
/// </summary>
internal static class DashboardAssets
{
    private const string Prefix = "dashboard/";

    private static readonly FrozenDictionary<string, (byte[] Bytes, string ContentType)> Files = Load();

    /// <summary>The asset named <paramref name="name"/> (e.g. <c>dashboard.js</c>), or null.</summary>
    public static (byte[] Bytes, string ContentType)? Find(string name) =>
        Files.TryGetValue(name, out (byte[] Bytes, string ContentType) file) ? file : null;

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        Assembly assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (string resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using Stream stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            string name = resource[Prefix.Length..];
            files[name] = (buffer.ToArray(), ContentType(name));
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".png" => "image/png",
        ".svg" => "image/svg+xml",
        _ => "text/plain; charset=utf-8",
    };
}

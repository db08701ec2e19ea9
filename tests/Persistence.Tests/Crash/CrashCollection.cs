namespace Synod.Persistence.Tests.Crash;

/// <summary>
/// Runs the providers' crash suites one after the other: each keeps a child process writing as
/// fast as the disk allows, and two at once would only slow each other down.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CrashCollection
{
    public const string Name = "crash";
}

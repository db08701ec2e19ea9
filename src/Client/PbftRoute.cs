namespace Synod.Client;

/// <summary>A PBFT group as the directory lists it: its name and the HTTP address of each replica's silo, in replica order.</summary>
internal sealed record PbftRoute(string Group, IReadOnlyList<Uri> Replicas);

namespace Synod.Client;

/// <summary>The cluster's groups as the directory records them (the body of <c>GET /v1/groups</c>).</summary>
/// <param name="Version">The directory version they come from; every change raises it.</param>
/// <param name="Groups">Every group except the meta group, in creation order.</param>
/// <param name="Moves">Replica moves under way.</param>
public sealed record SynodGroupList(ulong Version, IReadOnlyList<SynodGroupInfo> Groups, IReadOnlyList<SynodMove> Moves);

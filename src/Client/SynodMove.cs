namespace Synod.Client;

/// <summary>A replica move under way: <paramref name="ToReplica"/> joins, then <paramref name="FromReplica"/> leaves.</summary>
/// <param name="Group">The group.</param>
/// <param name="FromReplica">The replica leaving.</param>
/// <param name="ToReplica">The replica joining on the target silo.</param>
/// <param name="ToSilo">The target silo (0 when the answer does not say).</param>
public sealed record SynodMove(string Group, ulong FromReplica, ulong ToReplica, int ToSilo = 0);

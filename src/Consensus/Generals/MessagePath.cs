using System.Collections.Immutable;

namespace Synod.Consensus.Generals;

/// <summary>
/// The chain of generals a value travelled along in OM(m): the commander first, then each
/// lieutenant who relayed it as the commander of a nested OM(m-k) (paper §3, step 2). The generals
/// on a path are distinct, because a nested instance never includes a general who already
/// commanded an enclosing one. The last general on the path is the sender of the message.
/// </summary>
public sealed class MessagePath : IEquatable<MessagePath>
{
    /// <summary>The path of the commander's own message in the outermost OM(m).</summary>
    public static readonly MessagePath Commander = new([GeneralId.Commander]);

    private MessagePath(ImmutableArray<GeneralId> generals) => Generals = generals;

    public ImmutableArray<GeneralId> Generals { get; }

    public int Length => Generals.Length;

    /// <summary>The general who sends the message this path names.</summary>
    public GeneralId Sender => Generals[^1];

    public bool Contains(GeneralId general) => Generals.Contains(general);

    /// <summary>
    /// The lieutenants of the nested OM instance this path's sender commands: every general not on
    /// the path, in ascending order (paper §3, step 2: "the n-2 other lieutenants", and so on down).
    /// </summary>
    public IEnumerable<GeneralId> Lieutenants(int generals)
    {
        for (var id = 0; id < generals; id++)
        {
            var general = new GeneralId(id);
            if (!Contains(general))
            {
                yield return general;
            }
        }
    }

    /// <summary>The path of <paramref name="relay"/>'s message when it relays the value it received along this path.</summary>
    public MessagePath Append(GeneralId relay)
    {
        Invariant.Holds(!Contains(relay), "a general appears at most once on a message path");
        return new MessagePath(Generals.Add(relay));
    }

    public bool Equals(MessagePath? other) =>
        other is not null && Generals.AsSpan().SequenceEqual(other.Generals.AsSpan());

    public override bool Equals(object? obj) => Equals(obj as MessagePath);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var general in Generals)
        {
            hash.Add(general.Value);
        }

        return hash.ToHashCode();
    }

    /// <summary>Formats the path as <c>0:2:1</c>: the commander, then each relay in order.</summary>
    public override string ToString() => string.Join(':', Generals);
}

using Synod.Consensus.Generals;

namespace Synod.Generals.Tests.Harness;

/// <summary>
/// One point of the space of every traitor behaviour: the k-th message the traitors send carries
/// the k-th base-3 digit of <see cref="Code"/> (0 = ATTACK, 1 = RETREAT, 2 = nothing). OM(m)
/// sends the same messages in the same order whatever their values, so codes 0..3^K-1, where K is
/// <see cref="Queries"/> after one run, cover every behaviour exactly once.
/// </summary>
internal sealed class EnumeratedTraitor : ITraitorStrategy
{
    private long _remaining;

    public EnumeratedTraitor(long code)
    {
        Code = code;
        _remaining = code;
    }

    public long Code { get; }

    public int Queries { get; private set; }

    public string Name => $"enumerated#{Code}";

    public Order? Choose(TraitorMessage message)
    {
        Queries++;
        var digit = _remaining % 3;
        _remaining /= 3;
        return digit switch
        {
            0 => Order.Attack,
            1 => Order.Retreat,
            _ => null,
        };
    }
}

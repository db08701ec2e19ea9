namespace Synod.Consensus.Generals;

/// <summary>The value rules of OM(m): the RETREAT default and the majority function (paper §3).</summary>
public static class Orders
{
    /// <summary>The value a lieutenant uses when he receives nothing or something that is not an order (§3, OM(0) step 2).</summary>
    public const Order Default = Order.Retreat;

    /// <summary>
    /// The value a recipient uses for a message that carried <paramref name="sent"/>: the order
    /// itself, or <see cref="Default"/> when nothing arrived (A3 of §3 lets the absence of a message
    /// be detected) or the value is not a defined order.
    /// </summary>
    public static Order Received(Order? sent) =>
        sent is { } order && Enum.IsDefined(order) ? order : Default;

    public static Order Opposite(Order order) => order == Order.Attack ? Order.Retreat : Order.Attack;

    /// <summary>
    /// majority(v1, …, vk): the value held by more than half of the values, otherwise RETREAT (the
    /// first choice of majority function in §3). A tie therefore counts as RETREAT.
    /// </summary>
    public static Order Majority(ReadOnlySpan<Order> values)
    {
        var attacks = 0;
        foreach (var value in values)
        {
            if (value == Order.Attack)
            {
                attacks++;
            }
        }

        return 2 * attacks > values.Length ? Order.Attack : Default;
    }

    /// <summary>The lower-case name used in reports: <c>attack</c> or <c>retreat</c>.</summary>
    public static string Name(Order order) => order == Order.Attack ? "attack" : "retreat";
}

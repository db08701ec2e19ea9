using Synod.Consensus.Generals;

namespace Synod.Generals.Tests;

public sealed class TraitorPlacementsTests
{
    [Fact]
    public void Placements_are_every_subset_of_the_generals_in_lexicographic_order()
    {
        // Proves the search covers every traitor placement, commander included, once each and in a fixed order.
        var pairs = TraitorPlacements.OfSize(4, 2).Select(p => OralMessagesFormat.Generals(p)).ToList();

        Assert.Equal(["{0, 1}", "{0, 2}", "{0, 3}", "{1, 2}", "{1, 3}", "{2, 3}"], pairs);
        Assert.Equal(["{}"], TraitorPlacements.OfSize(3, 0).Select(p => OralMessagesFormat.Generals(p)));
        Assert.Empty(TraitorPlacements.OfSize(3, 4));
        Assert.Equal(1 + 7 + 21, TraitorPlacements.UpTo(7, 2).Count());
        Assert.Equal(1 + 7 + 21, TraitorPlacements.UpTo(7, 2).Select(p => OralMessagesFormat.Generals(p)).Distinct().Count());
    }
}

using System.Collections.Immutable;

namespace Synod.Consensus.Generals;

/// <summary>
/// The totals of a search, and the first violating cases in search order (at most
/// <see cref="OralMessagesSearchOptions.MaxRecordedViolations"/>).
/// </summary>
public sealed record OralMessagesSearchResult(
    OralMessagesSearchOptions Options,
    int Placements,
    int Cases,
    int ViolationCount,
    ImmutableArray<OralMessagesCase> Violations);

namespace Synod.Consensus.Generals;

/// <summary>Whether an interactive-consistency condition held in a run.</summary>
public enum ConditionStatus
{
    Holds = 0,
    Violated = 1,

    /// <summary>The condition says nothing about this run: IC2 when the commander is a traitor.</summary>
    Vacuous = 2,
}

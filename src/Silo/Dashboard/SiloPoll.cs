namespace Synod.Silo.Dashboard;

/// <summary>One silo's answer to a collection: its report, or why there is none.</summary>
internal sealed record SiloPoll(int Silo, string HttpEndpoint, LocalReport? Report, string? Error);

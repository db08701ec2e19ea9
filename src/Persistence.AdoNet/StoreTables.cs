namespace Synod.Persistence.AdoNet;

/// <summary>The qualified names of a store's tables (a prefix for SQLite, a schema for PostgreSQL).</summary>
internal sealed record StoreTables(string Version, string Replica, string Metadata, string Snapshot, string Log);

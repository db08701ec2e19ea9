namespace Synod.Persistence.AdoNet;

/// <summary>A log record ready to be inserted: converted to signed columns, checksum computed.</summary>
internal readonly record struct PlannedRecord(long Index, long Term, byte Kind, byte[] Payload, long Checksum);

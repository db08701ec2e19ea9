namespace Synod.Silo.Http;

/// <summary>The body of a successful write (put, delete, compare-and-set): the log index it was committed at.</summary>
internal sealed record WriteResponse(ulong Index);

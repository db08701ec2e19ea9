namespace Synod.Silo.Http;

/// <summary>The body of <c>POST /v1/groups/{group}/move</c>: the silo a replica leaves, and optionally the one it goes to.</summary>
internal sealed class GroupMoveRequest
{
    /// <summary>The silo that hosts the replica to move.</summary>
    public int From { get; set; }

    /// <summary>The silo to move it to; 0 or absent: the directory's placement picks one.</summary>
    public int To { get; set; }
}

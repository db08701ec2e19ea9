using System.Buffers.Text;
using System.Security.Cryptography;

namespace Synod.Client;

/// <summary>
/// One session of Ongaro's thesis §6.3: a random client id and the sequence number of its last
/// request. The cluster applies each (id, sequence) once and answers a retry with the saved
/// response, and a session serves one request at a time (a lower sequence arriving late is
/// refused as stale, never applied), so a session belongs to one operation until it completes.
/// </summary>
internal sealed class ClientSession
{
    private ulong _sequence;

    private ClientSession(string clientId, int group) => (ClientId, Group) = (clientId, group);

    /// <summary>16 random bytes in base64url: 22 characters of the header's CLIENT alphabet.</summary>
    public string ClientId { get; }

    /// <summary>Set when the cluster no longer knows the session; it is then never used again.</summary>
    public bool Expired { get; private set; }

    /// <summary>The group (in the client's map) whose keys this session writes; -1 when the map was not known.</summary>
    public int Group { get; }

    public static ClientSession CreateRandom(int group) => new(Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)), group);

    /// <summary>The <c>Synod-Request-Id</c> of this session's next operation: <c>CLIENT:SEQUENCE</c>.</summary>
    public string NextRequestId()
    {
        _sequence++;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ClientId}:{_sequence}");
    }

    public void Expire() => Expired = true;
}

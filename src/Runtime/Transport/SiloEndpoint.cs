using System.Net;

namespace Synod.Runtime.Transport;

/// <summary>A silo and the address of its transport listener.</summary>
public sealed record SiloEndpoint(SiloId Id, IPEndPoint Endpoint);

using Microsoft.AspNetCore.Connections;

namespace Synod.Runtime.Transport;

/// <summary>Kestrel's entry point for connections accepted on the transport endpoint.</summary>
internal sealed class TransportConnectionHandler : ConnectionHandler
{
    private readonly SiloTransport _transport;

    public TransportConnectionHandler(SiloTransport transport) => _transport = transport;

    public override Task OnConnectedAsync(ConnectionContext connection) => _transport.AcceptAsync(connection);
}

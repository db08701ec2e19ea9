using System.Net.Sockets;
using System.Text;

namespace Synod.Silo.Tests.Harness;

/// <summary>
/// Sends a request exactly as written (HttpClient would normalise the path and escape bytes),
/// for targets with dot segments, raw UTF-8 or absolute form. Returns the status line and body.
/// </summary>
internal static class RawHttp
{
    /// <param name="endRequest">Shut down the sending side after the body, as a client that gives up half-way does.</param>
    public static async Task<(int Status, string Body)> SendAsync(Uri server, byte[] requestHead, byte[]? body = null, bool endRequest = false)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(requestHead);
        if (body is not null)
        {
            await stream.WriteAsync(body);
        }

        if (endRequest)
        {
            client.Client.Shutdown(SocketShutdown.Send);
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        if (response.Length < 12)
        {
            throw new IOException("the server closed the connection without an answer");
        }

        var status = int.Parse(response.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var bodyStart = response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        return (status, response[bodyStart..]);
    }

    /// <summary>A request head with Connection: close, so the answer ends with the connection.</summary>
    public static byte[] Head(string method, byte[] target, string host, string extraHeaders = "")
    {
        var head = new List<byte>();
        head.AddRange(Encoding.ASCII.GetBytes(method + " "));
        head.AddRange(target);
        head.AddRange(Encoding.ASCII.GetBytes($" HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{extraHeaders}\r\n"));
        return [.. head];
    }
}

using System.Buffers;

namespace Synod.Silo.Http;

/// <summary>
/// Reads a request body of at most a given size. A declared Content-Length over the limit is
/// refused before anything is read; a chunked body is read only until it passes the limit, so an
/// oversized request costs at most the limit plus one buffer segment of memory.
/// </summary>
internal static class BoundedBody
{
    /// <summary>The body, or null when it is longer than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is long declared && declared > maxBytes)
        {
            return null;
        }

        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length > maxBytes)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }

            if (result.IsCompleted)
            {
                var body = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return body;
            }

            // Examined everything, consumed nothing: the pipe keeps the bytes and waits for more.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// After refusing a body unread, close the connection once the answer is sent: otherwise
    /// Kestrel waits to drain the unread body (which a client that honours the refusal never sends)
    /// before it can reuse the connection.
    /// </summary>
    public static void CloseAfterResponse(HttpContext context) => context.Response.Headers.Connection = "close";
}

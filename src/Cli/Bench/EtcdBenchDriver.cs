using System.Net.Http.Headers;
using System.Text;

namespace Synod.Cli.Bench;

/// <summary>
/// Load on etcd through its v3 JSON gateway (<c>POST /v3/kv/put</c>, <c>POST /v3/kv/range</c>;
/// a range without <c>serializable</c> is linearizable), over the same HttpClient and
/// SocketsHttpHandler setup as <see cref="Synod.Client.SynodClient"/>. Request bodies are built
/// once per key; worker <c>w</c> sends to endpoint <c>w mod n</c> (etcd forwards writes to its
/// leader itself).
/// </summary>
internal sealed class EtcdBenchDriver : IBenchDriver
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    private readonly HttpClient _http;
    private readonly Uri[] _put;
    private readonly Uri[] _range;
    private readonly byte[][] _putBodies;
    private readonly byte[][] _rangeBodies;

    public EtcdBenchDriver(IReadOnlyList<Uri> endpoints, string[] keys, byte[] value, TimeSpan requestTimeout)
    {
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = requestTimeout };
        _put = [.. endpoints.Select(e => new Uri(e, "v3/kv/put"))];
        _range = [.. endpoints.Select(e => new Uri(e, "v3/kv/range"))];
        string value64 = Convert.ToBase64String(value);
        _putBodies = [.. keys.Select(k => Encoding.UTF8.GetBytes($"{{\"key\":\"{Key64(k)}\",\"value\":\"{value64}\"}}"))];
        _rangeBodies = [.. keys.Select(k => Encoding.UTF8.GetBytes($"{{\"key\":\"{Key64(k)}\"}}"))];
    }

    public Task WriteAsync(int worker, int key, CancellationToken cancellationToken) => PostAsync(_put[worker % _put.Length], _putBodies[key], cancellationToken);

    public Task ReadAsync(int worker, int key, CancellationToken cancellationToken) => PostAsync(_range[worker % _range.Length], _rangeBodies[key], cancellationToken);

    public bool IsFailure(Exception error) => error is HttpRequestException or TaskCanceledException or EtcdRefusedException;

    public void Dispose() => _http.Dispose();

    private static string Key64(string key) => Convert.ToBase64String(Encoding.UTF8.GetBytes(key));

    private async Task PostAsync(Uri target, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = JsonType;
        // PostAsync buffers the whole answer, so the connection is back in the pool when it returns;
        // the gateway maps a gRPC error to an HTTP error status.
        using HttpResponseMessage response = await _http.PostAsync(target, content, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            string answer = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new EtcdRefusedException($"etcd answered {(int)response.StatusCode}: {answer}");
        }
    }
}

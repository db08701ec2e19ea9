using System.Net;
using System.Text;
using Synod.Silo.Http;
using Synod.Silo.Tests.Harness;

namespace Synod.Silo.Tests;

public sealed class LimitsTests
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Keys_up_to_1024_utf8_bytes_are_accepted_and_longer_ones_refused()
    {
        // Proves the key limit counts UTF-8 bytes after decoding: 512 two-byte characters pass, 513 do not.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);

        using var fits = await server.Http.PutAsync("v1/kv/" + Uri.EscapeDataString(new string('é', 512)), new StringContent("x"));
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        using var tooLong = await server.Http.PutAsync("v1/kv/" + Uri.EscapeDataString(new string('é', 513)), new StringContent("x"));
        await Json.AssertErrorAsync(tooLong, HttpStatusCode.BadRequest, "key_too_large");
        Assert.Single(gateway.Calls);
    }

    [Fact]
    public async Task A_value_of_exactly_1_MiB_is_accepted()
    {
        // Proves the value limit is inclusive: 1,048,576 bytes are stored whole.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);

        using var response = await server.Http.PutAsync("v1/kv/big", new ByteArrayContent(new byte[MiB]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(MiB, gateway.Peek("big")!.Length);
    }

    [Fact]
    public async Task An_oversized_value_with_Content_Length_is_refused_before_its_body_is_sent()
    {
        // Proves a declared Content-Length over 1 MiB gets 400 value_too_large while the client still waits on Expect: 100-continue, so no body byte is sent.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        using var content = new NeverSentContent(MiB + 1);
        using var request = new HttpRequestMessage(HttpMethod.Put, "v1/kv/big") { Content = content };
        request.Headers.ExpectContinue = true;

        using var response = await server.Http.SendAsync(request);
        await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "value_too_large");
        Assert.False(content.Sent);
        Assert.Empty(gateway.Calls);
    }

    [Fact]
    public async Task An_oversized_chunked_value_is_refused()
    {
        // Proves a body without Content-Length is cut off at the limit and refused with 400 value_too_large.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);

        using var content = new UnsizedContent(new byte[MiB + 1]);
        using var response = await server.Http.PutAsync("v1/kv/big", content);
        await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "value_too_large");
        Assert.Empty(gateway.Calls);
    }

    [Fact]
    public async Task An_oversized_value_inside_a_compare_and_set_is_refused()
    {
        // Proves the value limit holds for CAS values given as text, not only for PUT bodies.
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());
        var json = $$"""{"expectedAbsent": true, "valueText": "{{new string('v', MiB + 1)}}"}""";

        using var response = await server.Http.PostAsync("v1/kv/k/cas", new StringContent(json));
        await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "value_too_large");
    }

    [Fact]
    public async Task A_compare_and_set_body_over_its_limit_is_refused()
    {
        // Proves the CAS body has its own bound (two base64 values plus 64 KiB) checked before parsing.
        var limits = new HttpApiLimits { MaxValueBytes = 1024 };
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway(), limits);
        var json = $$"""{"expectedAbsent": true, "valueText": "{{new string('v', limits.MaxCompareAndSetBodyBytes)}}"}""";

        using var response = await server.Http.PostAsync("v1/kv/k/cas", new StringContent(json));
        await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "body_too_large");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData(":1")]
    [InlineData("c:")]
    [InlineData("c:0")]
    [InlineData("c:01")]
    [InlineData("c:-1")]
    [InlineData("c:18446744073709551616")]
    [InlineData("c d:1")]
    [InlineData("c:1:2")]
    [InlineData("c!:1")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:1")]
    public async Task A_malformed_request_id_is_400(string requestId)
    {
        // Proves every malformed Synod-Request-Id is refused with request_id_invalid before reaching the gateway.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        using var request = new HttpRequestMessage(HttpMethod.Put, "v1/kv/k") { Content = new StringContent("x") };
        request.Headers.TryAddWithoutValidation("Synod-Request-Id", requestId);

        using var response = await server.Http.SendAsync(request);
        await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "request_id_invalid");
        Assert.Empty(gateway.Calls);
    }

    [Theory]
    [InlineData("c:1")]
    [InlineData("Zm9v-_09:18446744073709551615")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:7")]
    public void Well_formed_request_ids_are_accepted(string requestId)
    {
        // Proves the documented format's edges (64-character client, largest sequence) are valid.
        Assert.True(RequestIdHeader.IsWellFormed(requestId));
    }

    [Fact]
    public async Task A_request_id_given_twice_is_400()
    {
        // Proves two Synod-Request-Id headers are refused rather than one being picked.
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());
        using var request = new HttpRequestMessage(HttpMethod.Delete, "v1/kv/k");
        request.Headers.TryAddWithoutValidation("Synod-Request-Id", ["c:1", "c:2"]);

        using var response = await server.Http.SendAsync(request);
        await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "request_id_invalid");
    }

    /// <summary>Content that does not tell its length, so HttpClient sends it chunked.</summary>
    private sealed class UnsizedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>Content that declares a length but records it if it is ever asked for its bytes.</summary>
    private sealed class NeverSentContent(long length) : HttpContent
    {
        public bool Sent { get; private set; }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            Sent = true;
            return stream.WriteAsync(new byte[length]).AsTask();
        }

        protected override bool TryComputeLength(out long declared)
        {
            declared = length;
            return true;
        }
    }
}

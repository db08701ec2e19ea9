using System.Text;
using Synod.Silo.Http;

namespace Synod.Silo.Tests;

public sealed class RequestKeyTests
{
    [Theory]
    [InlineData("/v1/kv/a", false, "a")]
    [InlineData("/v1/kv/a%2Fb", false, "a/b")]
    [InlineData("/v1/kv/a%252Fb", false, "a%2Fb")]
    [InlineData("/v1/kv/a%2Fb/cas", true, "a/b")]
    [InlineData("/v1/kv/cas/cas", true, "cas")]
    [InlineData("/v1/kv/%E2%82%AC?x=1#f", false, "€")]
    [InlineData("/prefix/v1/kv/a", false, "a")]
    [InlineData("http://host:1/v1/kv/a%2Fb", false, "a/b")]
    [InlineData("/v1/kv/a+b", false, "a+b")]
    public void The_key_is_the_raw_segment_decoded_once(string target, bool compareAndSet, string expected)
    {
        // Proves the raw-target parser finds the key's segment in every target form and decodes it exactly once.
        Assert.True(RequestKey.TryKeySegment(target, compareAndSet, out var key));
        Assert.Equal(expected, Encoding.UTF8.GetString(key));
    }

    [Theory]
    [InlineData("/v1/kv/a/../b", false)]
    [InlineData("/v1/kv/./a", false)]
    [InlineData("/v1/kv/a/b", false)]
    [InlineData("/v1/kv/a", true)]
    [InlineData("/v1/kv/a%2", false)]
    [InlineData("/v1/kv/ключ", false)]
    [InlineData("http://host", false)]
    [InlineData("/kv/a", false)]
    public void Targets_that_are_not_one_key_segment_are_refused(string target, bool compareAndSet)
    {
        // Proves dot segments, an unencoded '/', a truncated escape, raw non-ASCII and foreign paths do not yield a key.
        Assert.False(RequestKey.TryKeySegment(target, compareAndSet, out _));
    }
}

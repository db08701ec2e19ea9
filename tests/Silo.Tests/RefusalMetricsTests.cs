using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Synod.Silo.Tests.Harness;

namespace Synod.Silo.Tests;

/// <summary>Bad input is counted, not only logged: the HTTP API's <c>synod.http.refused</c> counter.</summary>
public sealed class RefusalMetricsTests
{
    [Fact]
    public async Task Every_refusal_is_counted_by_status_and_code_and_a_good_request_is_not()
    {
        // Proves a too-long key (400 key_too_large) and a bad CAS body (400) add to synod.http.refused with their status and code tags, while a good write adds nothing.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);

        // Only this server's meter (its factory's scope): other tests' servers refuse in parallel.
        var factory = server.Services.GetRequiredService<IMeterFactory>();
        var refused = new ConcurrentBag<(int Status, string Code)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Synod" && instrument.Name == "synod.http.refused" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            int status = 0;
            string code = "";
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "status")
                {
                    status = (int)tag.Value!;
                }
                else if (tag.Key == "code")
                {
                    code = (string)tag.Value!;
                }
            }

            for (long i = 0; i < value; i++)
            {
                refused.Add((status, code));
            }
        });
        listener.Start();
        using (var ok = await server.Http.PutAsync("v1/kv/fine", new StringContent("x")))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        Assert.True(refused.IsEmpty, "a good write is not a refusal");
        using (var tooLong = await server.Http.PutAsync("v1/kv/" + new string('k', 1025), new StringContent("x")))
        {
            await Json.AssertErrorAsync(tooLong, HttpStatusCode.BadRequest, "key_too_large");
        }

        using (var badCas = await server.Http.PostAsync("v1/kv/fine/cas", new StringContent("{not json", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badCas.StatusCode);
        }

        Assert.Contains((400, "key_too_large"), refused);
        Assert.Equal(2, refused.Count(r => r.Status == 400));
    }
}

using System.Globalization;
using System.Text;
using Synod.Client;

namespace Synod.Cluster.LockClient;

/// <summary>
/// <c>GATEWAY LOCK OWNER TTL_MS KEY VALUE PREPARE_MS</c>: acquires LOCK for OWNER until the
/// lease is still valid by its own clock when it checks, prints <c>token T</c> and <c>checked</c>, spends PREPARE_MS preparing the write (the pause a test stretches with
/// SIGSTOP), then puts KEY = VALUE fenced with its token and prints <c>written</c> (exit 0) or
/// <c>fenced</c> (exit 1). Any other failure prints <c>error CODE</c> (exit 3). It gives up after
/// 60 s whatever happens, so it never outlives the test that started it.
/// </summary>
internal static class LockClientProgram
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length != 7)
        {
            await Console.Error.WriteLineAsync("usage: GATEWAY LOCK OWNER TTL_MS KEY VALUE PREPARE_MS");
            return 2;
        }

        using var output = TextWriter.Synchronized(new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true });
        using var lifetime = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var options = new SynodClientOptions { MaxAttempts = 20, RequestTimeout = TimeSpan.FromSeconds(5) };
        options.Gateways.Add(new Uri(args[0]));
        using var client = new SynodClient(options);
        var ttl = TimeSpan.FromMilliseconds(long.Parse(args[3], CultureInfo.InvariantCulture));
        var prepare = TimeSpan.FromMilliseconds(long.Parse(args[6], CultureInfo.InvariantCulture));
        try
        {
            // A careful client: it writes only while its lease is valid by its own clock, and takes
            // the lock again if the lease ran out before it could check (a slow start on a loaded
            // machine). The pause comes after the check, as a GC pause or a stopped VM would.
            SynodLease? lease = null;
            for (int attempt = 0; attempt < 5 && lease is null; attempt++)
            {
                var answer = await client.AcquireLockAsync(args[1], args[2], ttl, lifetime.Token);
                if (answer.Lease is null)
                {
                    await output.WriteLineAsync("busy " + answer.Holder!.Owner);
                    return 1;
                }

                lease = DateTimeOffset.UtcNow < answer.Lease.ValidUntil ? answer.Lease : null;
            }

            if (lease is null)
            {
                await output.WriteLineAsync("expired before every check");
                return 1;
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"token {lease.Token}"));
            await output.WriteLineAsync("checked");
            await Task.Delay(prepare, lifetime.Token);
            await client.PutAsync(args[4], args[5], SynodFence.Of(lease), lifetime.Token);
            await output.WriteLineAsync("written");
            return 0;
        }
        catch (SynodException exception) when (exception.Code == SynodErrorCodes.Fenced)
        {
            // What the test expects of a write that arrives after another holder's.
            await output.WriteLineAsync("fenced");
            return 1;
        }
        catch (SynodException exception)
        {
            // Anything else the cluster answered: reported, so the test can say what happened.
            await output.WriteLineAsync("error " + exception.Code + ": " + exception.Message);
            return 3;
        }
    }
}

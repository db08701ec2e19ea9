using Synod.Consensus;

namespace Synod.Simulation;

/// <summary>
/// The simulated network shared by every protocol's simulator (nodes numbered from 1): per-link cuts (so partitions may be symmetric, one-way or partial), and
/// "weather" — drop, duplicate and long-delay rates — all drawn from the run's seeded random source.
/// </summary>
public sealed class SimNetwork
{
    private readonly SplitMix64Random _random;
    private readonly List<string>? _trace;
    private readonly int[,] _cuts;
    private readonly List<(int Id, List<(int From, int To)> Links)> _active = [];
    private int _nextCutId;
    private double _dropRate;
    private double _duplicateRate;
    private double _longDelayRate;

    public SimNetwork(SplitMix64Random random, int nodes, List<string>? trace)
    {
        _random = random;
        _trace = trace;
        _cuts = new int[nodes + 1, nodes + 1];
    }

    public long Partitions { get; private set; }

    /// <summary>The delays (ms) at which copies of a message from node <paramref name="from"/> to node
    /// <paramref name="to"/> arrive; empty when it is lost.</summary>
    public IEnumerable<long> Route(int from, int to, bool healed)
    {
        if (to <= 0 || to >= _cuts.GetLength(0) || _cuts[from, to] > 0)
        {
            yield break;
        }

        if (healed)
        {
            yield return _random.Between(1, 3);
            yield break;
        }

        if (_random.Chance(_dropRate))
        {
            yield break;
        }

        yield return Delay();
        if (_random.Chance(_duplicateRate))
        {
            yield return Delay() + _random.Between(0, 50);
        }
    }

    /// <summary>
    /// Cuts links in one of the shapes real networks fail in; returns the cut's id for healing
    /// (0 when nothing was cut).
    /// </summary>
    public int CutRandomPartition(int nodes, int? leader)
    {
        var links = new List<(int From, int To)>();
        var ids = Enumerable.Range(1, nodes).ToList();
        var lead = leader ?? ids[_random.Next(ids.Count)];
        var others = ids.Where(i => i != lead).ToList();
        string shape;
        switch (_random.Next(5))
        {
            case 0:
                // Symmetric split into two sides.
                var side = ids.Where(_ => _random.Chance(0.5)).ToHashSet();
                foreach (var a in ids)
                {
                    foreach (var b in ids)
                    {
                        if (side.Contains(a) != side.Contains(b))
                        {
                            links.Add((a, b));
                        }
                    }
                }

                shape = "split {" + string.Join(',', side.Order()) + "} | rest";
                break;
            case 1:
                // Isolate one replica (often the leader).
                var lone = _random.Chance(0.5) ? lead : ids[_random.Next(ids.Count)];
                foreach (var other in ids.Where(i => i != lone))
                {
                    links.Add((lone, other));
                    links.Add((other, lone));
                }

                shape = $"isolate {lone}";
                break;
            case 2:
                // One direction only.
                var a1 = ids[_random.Next(ids.Count)];
                var b1 = ids.Where(i => i != a1).ElementAt(_random.Next(ids.Count - 1));
                links.Add((a1, b1));
                shape = $"one-way {a1}->{b1}";
                break;
            case 3:
                // Partial: the leader loses one follower, who still reaches everyone else.
                var follower = others[_random.Next(others.Count)];
                links.Add((lead, follower));
                links.Add((follower, lead));
                shape = $"partial {lead}<->{follower}";
                break;
            default:
                // Partial: two followers cannot reach each other.
                var f1 = others[_random.Next(others.Count)];
                var f2 = others.Where(i => i != f1).ElementAt(_random.Next(others.Count - 1));
                links.Add((f1, f2));
                links.Add((f2, f1));
                shape = $"partial {f1}<->{f2}";
                break;
        }

        if (links.Count == 0)
        {
            return 0;
        }

        Partitions++;
        var id = ++_nextCutId;
        foreach (var (from, to) in links)
        {
            _cuts[from, to]++;
        }

        _active.Add((id, links));
        _trace?.Add($"                cut #{id}: {shape}");
        return id;
    }

    public void Heal(int cutId)
    {
        var index = _active.FindIndex(c => c.Id == cutId);
        if (index < 0)
        {
            return;
        }

        foreach (var (from, to) in _active[index].Links)
        {
            _cuts[from, to]--;
        }

        _active.RemoveAt(index);
        _trace?.Add($"                heal cut #{cutId}");
    }

    public void HealAll()
    {
        foreach (var id in _active.Select(c => c.Id).ToList())
        {
            Heal(id);
        }

        _dropRate = _duplicateRate = _longDelayRate = 0;
    }

    public void ChangeWeather()
    {
        _dropRate = _random.Chance(0.3) ? 0 : _random.Next(25) / 100.0;
        _duplicateRate = _random.Next(10) / 100.0;
        _longDelayRate = _random.Next(25) / 100.0;
        _trace?.Add($"                weather: drop {_dropRate:P0}, duplicate {_duplicateRate:P0}, long delay {_longDelayRate:P0}");
    }

    private long Delay() => _random.Chance(_longDelayRate) ? _random.Between(10, 120) : _random.Between(1, 5);
}

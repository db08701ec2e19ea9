using System.Text.Json;
using Synod.Grains.Directory;
using Synod.Grains.Interfaces.Wire;
using Synod.Silo.Gateway;
using Synod.Silo.Hosting;

namespace Synod.Silo.Http;

/// <summary>The JSON bodies of <c>GET /v1/groups</c> and <c>GET /v1/silos</c>, written straight from the directory.</summary>
internal static class DirectoryViews
{
    /// <summary>Every group: protocol, machine, slots owned, replicas (with their silos) and the leader this silo knows.</summary>
    public static byte[] Groups(ClusterAdmin admin)
    {
        ClusterDirectory directory = admin.Layout.Directory;
        int[] slots = new int[directory.Groups.Count];
        foreach (uint owner in directory.SlotGroups)
        {
            slots[owner]++;
        }

        return Write(json =>
        {
            json.WriteNumber("version", directory.Version);
            json.WriteBoolean("fromMetaGroup", admin.FromDirectory);
            json.WriteStartArray("groups");
            for (int i = 0; i < directory.Groups.Count; i++)
            {
                GroupPlacement group = directory.Groups[i];
                json.WriteStartObject();
                json.WriteString("group", group.Group);
                json.WriteString("protocol", group.Protocol);
                json.WriteString("machine", group.Machine.Length == 0 ? "kv" : group.Machine);
                json.WriteNumber("slots", slots[i]);
                if (admin.KnownLeader(group.Group) is { } leader)
                {
                    json.WriteNumber("leader", leader);
                }

                json.WriteStartArray("replicas");
                foreach (ReplicaPlacement replica in group.Replicas.OrderBy(r => r.Replica))
                {
                    json.WriteStartObject();
                    json.WriteNumber("replica", replica.Replica);
                    json.WriteNumber("silo", replica.Silo);
                    json.WriteBoolean("joined", replica.Joined);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("moves");
            foreach (PendingMove move in directory.Moves)
            {
                json.WriteStartObject();
                json.WriteString("group", move.Group);
                json.WriteNumber("fromReplica", move.FromReplica);
                json.WriteNumber("toReplica", move.ToReplica);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
    }

    /// <summary>Every silo: endpoints, labels, draining, replicas hosted, up as this silo sees it.</summary>
    public static byte[] Silos(ClusterAdmin admin)
    {
        ClusterLayout layout = admin.Layout;
        Dictionary<int, int> load = PlacementPolicy.Loads(layout.Directory);
        return Write(json =>
        {
            json.WriteNumber("version", layout.Directory.Version);
            json.WriteStartArray("silos");
            foreach (int id in layout.Silos)
            {
                SiloRecord silo = layout.Silo(id)!;
                json.WriteStartObject();
                json.WriteNumber("id", id);
                json.WriteString("transportEndpoint", silo.TransportEndpoint);
                json.WriteString("httpEndpoint", silo.HttpEndpoint);
                json.WriteBoolean("up", admin.IsUp(id));
                json.WriteBoolean("draining", silo.Draining);
                json.WriteNumber("replicas", load.GetValueOrDefault(id));
                json.WriteStartObject("labels");
                foreach (KeyValuePair<string, string> label in silo.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
                {
                    json.WriteString(label.Key, label.Value);
                }

                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}

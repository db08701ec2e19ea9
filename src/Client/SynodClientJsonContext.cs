using System.Text.Json;
using System.Text.Json.Serialization;

namespace Synod.Client;

/// <summary>
/// Source-generated JSON for the client. Reading tolerates fields it does not know, so a newer
/// cluster can add to its answers.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(WireError))]
[JsonSerializable(typeof(WireCompareAndSetRequest))]
[JsonSerializable(typeof(SynodClusterStatus))]
[JsonSerializable(typeof(SynodGroupList))]
[JsonSerializable(typeof(SynodSiloList))]
[JsonSerializable(typeof(SynodMove))]
[JsonSerializable(typeof(WireGroupCreateRequest))]
[JsonSerializable(typeof(WireGroupCreated))]
[JsonSerializable(typeof(WireGroupMoveRequest))]
[JsonSerializable(typeof(WireLockRequest))]
[JsonSerializable(typeof(WireLockAnswer))]
internal sealed partial class SynodClientJsonContext : JsonSerializerContext;

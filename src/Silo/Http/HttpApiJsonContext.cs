using System.Text.Json;
using System.Text.Json.Serialization;
using Synod.Silo.Gateway;

namespace Synod.Silo.Http;

/// <summary>
/// Source-generated JSON for the HTTP API: camelCase names, nulls omitted unless a type says
/// otherwise, and unknown or repeated request fields refused, so a misspelt field ("expect") or a
/// second "expectedText" is an error rather than a silently different request.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(WriteResponse))]
[JsonSerializable(typeof(CompareAndSetRequest))]
[JsonSerializable(typeof(CompareAndSetMismatchResponse))]
[JsonSerializable(typeof(ClusterStatus))]
[JsonSerializable(typeof(GroupCreateRequest))]
[JsonSerializable(typeof(GroupCreateResponse))]
[JsonSerializable(typeof(GroupMoveRequest))]
[JsonSerializable(typeof(GroupMoveResponse))]
[JsonSerializable(typeof(LockAcquireRequest))]
[JsonSerializable(typeof(LockRenewRequest))]
[JsonSerializable(typeof(LockReleaseRequest))]
[JsonSerializable(typeof(LockResponse))]
[JsonSerializable(typeof(LockBusyResponse))]
internal sealed partial class HttpApiJsonContext : JsonSerializerContext;

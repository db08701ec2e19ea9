using System.Text.Json;
using System.Text.Json.Serialization;

namespace Synod.Silo.Dashboard;

/// <summary>Source-generated JSON of the dashboard's endpoints (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LocalReport))]
[JsonSerializable(typeof(DashboardOverview))]
[JsonSerializable(typeof(GroupsPage))]
[JsonSerializable(typeof(GroupPage))]
[JsonSerializable(typeof(DashboardStats))]
[JsonSerializable(typeof(FaultRequest))]
[JsonSerializable(typeof(FaultOutcome))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;

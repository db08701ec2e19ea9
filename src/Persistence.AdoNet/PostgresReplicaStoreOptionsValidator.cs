using Microsoft.Extensions.Options;

namespace Synod.Persistence.AdoNet;

/// <summary>Checks <see cref="PostgresReplicaStoreOptions"/> (source-generated from its attributes).</summary>
[OptionsValidator]
internal sealed partial class PostgresReplicaStoreOptionsValidator : IValidateOptions<PostgresReplicaStoreOptions>;

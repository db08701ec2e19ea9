using Microsoft.Extensions.Options;

namespace Synod.Persistence.AdoNet;

/// <summary>Checks <see cref="SqliteReplicaStoreOptions"/> (source-generated from its attributes).</summary>
[OptionsValidator]
internal sealed partial class SqliteReplicaStoreOptionsValidator : IValidateOptions<SqliteReplicaStoreOptions>;

using System.ComponentModel.DataAnnotations;
using Synod.Runtime.Storage;

namespace Synod.Persistence.AdoNet;

/// <summary>
/// The PostgreSQL store (configuration section <c>Synod:Storage:Postgres</c>). Each silo owns one
/// schema in the database; the tables are created on first start.
/// </summary>
public sealed class PostgresReplicaStoreOptions : ReplicaStoreOptions
{
    /// <summary>Npgsql connection string, e.g. <c>Host=db;Username=synod;Password=…;Database=synod</c>.</summary>
    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// The schema holding this silo's tables: lower-case letters, digits and underscores, starting
    /// with a letter. Two silos must not share one. Default <c>synod</c>.
    /// </summary>
    [Required]
    [RegularExpression("^[a-z][a-z0-9_]{0,62}$")]
    public string Schema { get; set; } = "synod";

    /// <summary>
    /// Opens the store even when the server runs with <c>fsync = off</c> (acknowledged writes can
    /// then be lost when its machine crashes). Default false: such a server is refused.
    /// </summary>
    public bool AllowServerWithoutFsync { get; set; }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Synod.Runtime.Storage;
using System.Diagnostics.Metrics;

namespace Synod.Persistence.AdoNet;

/// <summary>Registers a replica store in a host's services.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the embedded SQLite store as the silo's <see cref="IReplicaStore"/>, bound from
    /// <paramref name="section"/> (usually <c>Synod:Storage:Sqlite</c>) and validated at start.
    /// </summary>
    public static IServiceCollection AddSynodSqliteStorage(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SqliteReplicaStoreOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SqliteReplicaStoreOptions>, SqliteReplicaStoreOptionsValidator>();
        services.AddSingleton<IReplicaStore>(provider => AdoNetReplicaStore.OpenSqlite(
            provider.GetRequiredService<IOptions<SqliteReplicaStoreOptions>>().Value,
            provider.GetService<ILoggerFactory>(),
            provider.GetService<IMeterFactory>()));
        return services;
    }

    /// <summary>
    /// Registers the PostgreSQL store as the silo's <see cref="IReplicaStore"/>, bound from
    /// <paramref name="section"/> (usually <c>Synod:Storage:Postgres</c>) and validated at start.
    /// </summary>
    public static IServiceCollection AddSynodPostgresStorage(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PostgresReplicaStoreOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PostgresReplicaStoreOptions>, PostgresReplicaStoreOptionsValidator>();
        services.AddSingleton<IReplicaStore>(provider => AdoNetReplicaStore.OpenPostgres(
            provider.GetRequiredService<IOptions<PostgresReplicaStoreOptions>>().Value,
            provider.GetService<ILoggerFactory>(),
            provider.GetService<IMeterFactory>()));
        return services;
    }
}

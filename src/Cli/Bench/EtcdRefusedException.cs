namespace Synod.Cli.Bench;

/// <summary>etcd's gateway answered a request with an error.</summary>
internal sealed class EtcdRefusedException : Exception
{
    public EtcdRefusedException()
    {
    }

    public EtcdRefusedException(string message)
        : base(message)
    {
    }

    public EtcdRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

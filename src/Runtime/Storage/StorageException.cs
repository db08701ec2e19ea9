namespace Synod.Runtime.Storage;

/// <summary>Base of every error a replica store reports.</summary>
public class StorageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StorageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

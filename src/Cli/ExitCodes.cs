namespace Synod.Cli;

/// <summary>
/// What <c>synod</c> returns, so scripts can tell a negative answer from a failure:
/// 0 done; 1 a negative answer (the key is absent, a compare-and-set did not match);
/// 2 a usage error (bad arguments); 3 the cluster refused the request or could not be reached.
/// </summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Negative = 1;
    public const int Usage = 2;
    public const int Failed = 3;
}

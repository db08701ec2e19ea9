namespace Synod.Client;

/// <summary>One silo of the cluster.</summary>
/// <param name="Id">Its id.</param>
/// <param name="TransportEndpoint">Where other silos reach it.</param>
/// <param name="HttpEndpoint">Its HTTP API.</param>
/// <param name="Up">Whether the answering silo hears its heartbeats (or is it).</param>
/// <param name="Draining">Whether it is being emptied: it gets no new replicas and its replicas move away.</param>
/// <param name="Replicas">Replicas it hosts (the meta group's not counted).</param>
/// <param name="Labels">Its failure-domain labels, for example <c>zone</c> and <c>rack</c>.</param>
public sealed record SynodSiloInfo(int Id, string TransportEndpoint, string HttpEndpoint, bool Up, bool Draining, int Replicas, IReadOnlyDictionary<string, string> Labels);

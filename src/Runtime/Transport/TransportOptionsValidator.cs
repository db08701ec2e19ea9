using Microsoft.Extensions.Options;

namespace Synod.Runtime.Transport;

/// <summary>Checks <see cref="TransportOptions"/> (source-generated from its attributes and <see cref="TransportOptions.Validate"/>).</summary>
[OptionsValidator]
public sealed partial class TransportOptionsValidator : IValidateOptions<TransportOptions>;

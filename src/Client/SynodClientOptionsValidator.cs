using Microsoft.Extensions.Options;

namespace Synod.Client;

/// <summary>Checks <see cref="SynodClientOptions"/> (source-generated from its attributes and <see cref="SynodClientOptions.Validate"/>).</summary>
[OptionsValidator]
public sealed partial class SynodClientOptionsValidator : IValidateOptions<SynodClientOptions>;

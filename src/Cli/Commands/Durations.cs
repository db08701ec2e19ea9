using System.CommandLine.Parsing;
using System.Globalization;

namespace Synod.Cli.Commands;

/// <summary>Durations on the command line: <c>500ms</c>, <c>10s</c>, <c>5m</c>, <c>1h</c>, or a .NET time span (<c>00:01:30</c>).</summary>
internal static class Durations
{
    /// <summary>Parses an option's token; adds an error to the result when it is not a positive duration.</summary>
    public static TimeSpan Parse(ArgumentResult result)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (TryParse(text, out TimeSpan duration) && duration > TimeSpan.Zero)
        {
            return duration;
        }

        result.AddError($"'{text}' is not a duration (for example 500ms, 10s, 5m, 1h)");
        return TimeSpan.Zero;
    }

    /// <summary>Parses a duration with a unit suffix (ms, s, m, h) or in .NET's time-span format.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        (string suffix, double scale)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];
        foreach ((string suffix, double scale) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount)
                && amount * scale <= TimeSpan.MaxValue.TotalMilliseconds)
            {
                duration = TimeSpan.FromMilliseconds(amount * scale);
                return true;
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
    }
}

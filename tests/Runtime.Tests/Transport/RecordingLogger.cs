using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Synod.Runtime.Tests.Transport;

/// <summary>Keeps every log line so tests can check that a refusal was logged with its reason.</summary>
internal sealed class RecordingLoggerProvider(ConcurrentQueue<RecordingLoggerProvider.LogLine> lines) : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    public sealed record LogLine(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

    private sealed class Logger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider._lines.Enqueue(new LogLine(category, logLevel, eventId, formatter(state, exception), exception));
    }
}

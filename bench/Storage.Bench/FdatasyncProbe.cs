using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Synod.Storage.Bench;

/// <summary>
/// The machine's raw sync rate: write a block at the end of a file (or over the same block) and
/// call fdatasync, as fast as possible from one thread. This is the ceiling for any store that
/// syncs once per commit.
/// </summary>
internal static partial class FdatasyncProbe
{
    [LibraryImport("libc", SetLastError = true)]
    private static partial int fdatasync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    public static double Run(string directory, int blockBytes, bool append, bool fullFsync, TimeSpan duration)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, $"fdatasync-{Environment.ProcessId}.bin");
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, FileOptions.None);
            int fd = (int)handle.DangerousGetHandle();
            byte[] block = new byte[blockBytes];
            Random.Shared.NextBytes(block);
            long offset = 0;
            long syncs = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                RandomAccess.Write(handle, block, offset);
                if ((fullFsync ? fsync(fd) : fdatasync(fd)) != 0)
                {
                    throw new IOException($"sync failed with errno {Marshal.GetLastPInvokeError()}");
                }

                syncs++;
                if (append)
                {
                    offset += blockBytes;
                }
            }

            return syncs / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            File.Delete(path);
        }
    }
}

namespace MusicGenre.Cli.Tests;

/// <summary>Runs the CLI in-process and captures its output.</summary>
internal static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args) => RunWithStdin(null, args);

    /// <summary>As <see cref="Run"/>, with <paramref name="stdin"/> as standard input (null: the process's own).</summary>
    public static (int Code, string Out, string Err) RunWithStdin(byte[]? stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr, stdin is null ? null : () => new NonSeekable(stdin));
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Bytes read as from a pipe: no seeking, no length.</summary>
    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}

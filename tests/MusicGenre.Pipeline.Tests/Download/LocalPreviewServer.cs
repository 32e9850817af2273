using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MusicGenre.Pipeline.Tests.Download;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) for downloader tests. <c>GET /clip/{id}</c> behaves by id:
/// registered MP3 bodies are served whole; <see cref="NotFound"/> → 404; <see cref="AlwaysError"/> → 500;
/// <see cref="ErrorOnce"/> → 503 then the MP3; <see cref="AlwaysSlow"/>/<see cref="SlowOnce"/> stall before the
/// headers; <see cref="AlwaysTruncated"/>/<see cref="TruncatedOnce"/> promise the full Content-Length but close halfway;
/// <see cref="NotAudio"/> → 200 with an HTML page; <see cref="RateLimitedOnce"/> → 429 with Retry-After: 0, then the MP3. Every request's path and query are recorded.
/// </summary>
internal sealed class LocalPreviewServer : IDisposable
{
    public const int NotFound = 404, AlwaysError = 500, ErrorOnce = 503, AlwaysSlow = 700, SlowOnce = 701,
        AlwaysTruncated = 600, TruncatedOnce = 601, NotAudio = 888, RateLimitedOnce = 429;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<int, byte[]> _bodies = new();
    private readonly ConcurrentDictionary<int, int> _hits = new();
    private readonly Task _loop;

    public LocalPreviewServer(IReadOnlyDictionary<int, byte[]> bodies, TimeSpan slowDelay)
    {
        foreach (var (id, body) in bodies) _bodies[id] = body;
        SlowDelay = slowDelay;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public TimeSpan SlowDelay { get; }

    /// <summary>URL template for the downloader.</summary>
    public string Template => $"http://127.0.0.1:{Port}/clip/{{7digitalid}}";

    /// <summary>Request targets (path and query) in arrival order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public int Hits(int id) => _hits.GetValueOrDefault(id);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                string target = await ReadRequestTargetAsync(stream);
                if (target.Length == 0) return; // connection opened and closed without a request
                Requests.Enqueue(target);
                string path = target.Split('?')[0];
                int id = path.StartsWith("/clip/", StringComparison.Ordinal) && int.TryParse(path[6..], out int v) ? v : -1;
                int hit = _hits.AddOrUpdate(id, 1, (_, n) => n + 1);
                byte[] mp3 = _bodies.GetValueOrDefault(id) ?? _bodies.Values.First();

                switch (id)
                {
                    case NotFound:
                        await WriteAsync(stream, 404, "Not Found", "text/plain", "no such clip"u8.ToArray());
                        break;
                    case AlwaysError:
                    case ErrorOnce when hit == 1:
                        await WriteAsync(stream, id == AlwaysError ? 500 : 503, "Server Error", "text/plain", "try later"u8.ToArray());
                        break;
                    case RateLimitedOnce when hit == 1:
                        await WriteAsync(stream, 429, "Too Many Requests", "text/plain", "slow down"u8.ToArray(), extraHeaders: "Retry-After: 0\r\n");
                        break;
                    case AlwaysSlow:
                    case SlowOnce when hit == 1:
                        await Task.Delay(SlowDelay, _stop.Token);
                        await WriteAsync(stream, 200, "OK", "audio/mpeg", mp3);
                        break;
                    case AlwaysTruncated:
                    case TruncatedOnce when hit == 1:
                        await WriteAsync(stream, 200, "OK", "audio/mpeg", mp3, sendBytes: mp3.Length / 2);
                        break;
                    case NotAudio:
                        await WriteAsync(stream, 200, "OK", "text/html", "<html><body>Rate limit exceeded</body></html>"u8.ToArray());
                        break;
                    default:
                        if (_bodies.ContainsKey(id) || id is ErrorOnce or SlowOnce or TruncatedOnce or RateLimitedOnce)
                            await WriteAsync(stream, 200, "OK", "audio/mpeg", mp3);
                        else
                            await WriteAsync(stream, 404, "Not Found", "text/plain", "unknown id"u8.ToArray());
                        break;
                }
            }
            catch (Exception)
            {
                // The client gave up (timeout, cancellation) or the server is stopping.
            }
        }
    }

    private static async Task<string> ReadRequestTargetAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(buffer) == 0) break;
            head.Append((char)buffer[0]);
        }
        string requestLine = head.ToString().Split("\r\n")[0];
        return requestLine.Split(' ') is [_, var target, ..] ? target : "";
    }

    private static async Task WriteAsync(NetworkStream stream, int code, string reason, string contentType, byte[] body, int? sendBytes = null, string extraHeaders = "")
    {
        string headers = $"HTTP/1.1 {code} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n{extraHeaders}Connection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(headers));
        await stream.WriteAsync(body.AsMemory(0, sendBytes ?? body.Length));
        await stream.FlushAsync();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}

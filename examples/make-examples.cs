// Writes the example songs that MusicGenre ships: small MIDI files composed here, rendered to WAV with Debian's
// fluidsynth and the General MIDI soundfont (fluid-soundfont-gm). Run from the repository root:
//   apt-get install -y fluidsynth fluid-soundfont-gm
//   dotnet run examples/make-examples.cs
// No third-party audio is involved: every note below is written by this file.
using System.Diagnostics;

const int Tpq = 480; // ticks per quarter note
string outDir = Path.Combine("examples", "audio");
Directory.CreateDirectory(outDir);
var songs = new (string Name, int Bpm, Action<Song> Compose)[]
{
    ("blues-shuffle", 96, Blues),
    ("classical-arpeggios", 84, Classical),
    ("disco-strut", 120, Disco),
    ("metal-riff", 160, Metal),
    ("reggae-skank", 76, Reggae),
};
foreach (var (name, bpm, compose) in songs)
{
    var song = new Song(bpm);
    compose(song);
    string mid = Path.Combine(outDir, name + ".mid"), wav = Path.Combine(outDir, name + ".wav"), stereo = wav + ".stereo.tmp";
    File.WriteAllBytes(mid, song.ToMidi());
    var psi = new ProcessStartInfo("fluidsynth", ["-n", "-i", "-q", "-r", "22050", "-g", "0.6", "-T", "wav", "-O", "s16",
        "-F", stereo, "/usr/share/sounds/sf2/FluidR3_GM.sf2", mid]);
    using var p = Process.Start(psi)!;
    p.WaitForExit();
    if (p.ExitCode != 0) throw new Exception($"fluidsynth failed on {mid}");
    DownmixToMono(stereo, wav);
    File.Delete(stereo);
    Console.WriteLine($"{wav}: {new FileInfo(wav).Length / 1024} KiB");
}

// fluidsynth always renders stereo: average the channels (16-bit PCM, canonical 44-byte header) to keep the repo small.
static void DownmixToMono(string stereoWav, string monoWav)
{
    byte[] src = File.ReadAllBytes(stereoWav);
    int dataStart = 12;
    while (System.Text.Encoding.ASCII.GetString(src, dataStart, 4) != "data") dataStart += 8 + BitConverter.ToInt32(src, dataStart + 4);
    int frames = BitConverter.ToInt32(src, dataStart + 4) / 4, rate = BitConverter.ToInt32(src, 24);
    using var w = new BinaryWriter(File.Create(monoWav));
    w.Write("RIFF"u8); w.Write(36 + frames * 2); w.Write("WAVE"u8);
    w.Write("fmt "u8); w.Write(16); w.Write((short)1); w.Write((short)1); w.Write(rate); w.Write(rate * 2); w.Write((short)2); w.Write((short)16);
    w.Write("data"u8); w.Write(frames * 2);
    for (int i = 0; i < frames; i++)
    {
        int o = dataStart + 8 + 4 * i;
        w.Write((short)((BitConverter.ToInt16(src, o) + BitConverter.ToInt16(src, o + 2)) / 2));
    }
}

// 12-bar shuffle in A: walking bass, shuffled guitar comp, swung ride and backbeat.
static void Blues(Song s)
{
    s.Program(0, 26); s.Program(1, 33); s.Program(2, 1);
    int[] roots = [45, 45, 45, 45, 50, 50, 45, 45, 52, 50, 45, 52];
    for (int bar = 0; bar < 12; bar++)
    {
        int r = roots[bar], t0 = bar * 4 * Tpq;
        int[] walk = [0, 4, 7, 9, 10, 9, 7, 4];
        for (int i = 0; i < 8; i++) s.Note(1, r - 12 + walk[i], t0 + i * Tpq / 2 + (i % 2) * Tpq / 6, Tpq / 3, 95);
        for (int b = 0; b < 4; b++)
        {
            int t = t0 + b * Tpq;
            s.Note(0, r, t, Tpq / 2, 80); s.Note(0, r + 7, t, Tpq / 2, 75); s.Note(0, r + (b % 2 == 0 ? 9 : 10), t + 2 * Tpq / 3, Tpq / 3, 70);
            s.Note(9, 51, t, Tpq / 3, 70); s.Note(9, 51, t + 2 * Tpq / 3, Tpq / 3, 55);
            s.Note(9, b % 2 == 0 ? 36 : 38, t, Tpq / 2, 90);
        }
        if (bar % 2 == 1) s.Note(2, r + 24 + 3, t0 + Tpq, Tpq, 70);
    }
}

// Alberti-style piano arpeggios over a I–vi–IV–V–I progression with sustained strings.
static void Classical(Song s)
{
    s.Program(0, 0); s.Program(1, 48);
    int[][] chords = [[60, 64, 67], [57, 60, 64], [53, 57, 60], [55, 59, 62], [60, 64, 67], [57, 60, 64], [53, 57, 60], [55, 59, 62, 65]];
    for (int bar = 0; bar < 8; bar++)
    {
        int t0 = bar * 4 * Tpq; var c = chords[bar];
        int[] pattern = [0, 2, 1, 2];
        for (int i = 0; i < 16; i++) s.Note(0, c[pattern[i % 4]] + (i >= 8 ? 12 : 0), t0 + i * Tpq / 4, Tpq / 4, 60 + 10 * (i % 4 == 0 ? 1 : 0));
        s.Note(0, c[0] - 12, t0, 2 * Tpq, 65); s.Note(0, c[0] - 24, t0 + 2 * Tpq, 2 * Tpq, 55);
        foreach (int n in c) s.Note(1, n + 12, t0, 4 * Tpq - 10, 45);
        s.Note(1, c[^1] + 24, t0 + 2 * Tpq, 2 * Tpq - 10, 50);
    }
}

// Four-on-the-floor kick, open hi-hat off-beats, octave bass and string stabs.
static void Disco(Song s)
{
    s.Program(0, 38); s.Program(1, 49); s.Program(2, 27);
    int[] roots = [41, 41, 46, 46, 43, 43, 48, 48];
    for (int bar = 0; bar < 8; bar++)
    {
        int r = roots[bar], t0 = bar * 4 * Tpq;
        for (int b = 0; b < 4; b++)
        {
            int t = t0 + b * Tpq;
            s.Note(9, 36, t, Tpq / 4, 110); s.Note(9, 46, t + Tpq / 2, Tpq / 4, 80);
            if (b % 2 == 1) s.Note(9, 39, t, Tpq / 4, 90);
            s.Note(0, r - 12, t, Tpq / 4, 100); s.Note(0, r, t + Tpq / 2, Tpq / 4, 95);
            s.Note(2, r + 24, t + Tpq / 4, Tpq / 8, 70); s.Note(2, r + 28, t + 3 * Tpq / 4, Tpq / 8, 70);
        }
        foreach (int n in new[] { r + 12, r + 16, r + 19 }) { s.Note(1, n + 12, t0 + Tpq / 2, Tpq / 2, 85); s.Note(1, n + 12, t0 + 5 * Tpq / 2, Tpq / 2, 85); }
    }
}

// Palm-muted gallop in E with power chords, double bass drum and crash accents.
static void Metal(Song s)
{
    s.Program(0, 30); s.Program(1, 29); s.Program(2, 34);
    int[] riff = [40, 40, 40, 43, 40, 40, 45, 43, 40, 40, 40, 46, 45, 43, 41, 40];
    for (int bar = 0; bar < 10; bar++)
    {
        int t0 = bar * 4 * Tpq;
        for (int i = 0; i < 16; i++)
        {
            int t = t0 + i * Tpq / 4, n = riff[i];
            s.Note(0, n, t, Tpq / 5, 110); s.Note(0, n + 7, t, Tpq / 5, 100); s.Note(1, n + 12, t, Tpq / 5, 90);
            s.Note(2, n - 12, t, Tpq / 5, 105);
            s.Note(9, 36, t, Tpq / 8, 115);
            if (i % 8 == 4) s.Note(9, 38, t, Tpq / 4, 120);
        }
        s.Note(9, 49, t0, Tpq, 110);
    }
}

// One-drop drums, off-beat organ/guitar skank, deep melodic bass.
static void Reggae(Song s)
{
    s.Program(0, 17); s.Program(1, 27); s.Program(2, 33);
    int[][] chords = [[57, 60, 64], [57, 60, 64], [55, 59, 62], [55, 59, 62]];
    for (int bar = 0; bar < 6; bar++)
    {
        var c = chords[bar % 4]; int t0 = bar * 4 * Tpq;
        for (int b = 0; b < 4; b++)
        {
            int t = t0 + b * Tpq + Tpq / 2;
            foreach (int n in c) { s.Note(0, n, t, Tpq / 4, 75); s.Note(1, n + 12, t, Tpq / 6, 70); }
            s.Note(9, 42, t0 + b * Tpq, Tpq / 4, 60); s.Note(9, 42, t, Tpq / 4, 50);
        }
        s.Note(9, 36, t0 + 2 * Tpq, Tpq / 2, 110); s.Note(9, 37, t0 + 2 * Tpq, Tpq / 2, 100);
        int r = c[0] - 24;
        s.Note(2, r, t0, Tpq, 110); s.Note(2, r + 7, t0 + 3 * Tpq / 2, Tpq / 2, 100); s.Note(2, r + 5, t0 + 2 * Tpq, Tpq, 100); s.Note(2, r + 3, t0 + 3 * Tpq, Tpq, 95);
    }
}

/// <summary>A format-0 MIDI file under construction: absolute-time events, sorted and delta-encoded on output.</summary>
sealed class Song(int bpm)
{
    private readonly List<(int Tick, int Order, byte[] Bytes)> _events = [];

    public void Program(int channel, int program) => _events.Add((0, 0, [(byte)(0xC0 | channel), (byte)program]));

    public void Note(int channel, int key, int tick, int length, int velocity)
    {
        _events.Add((tick, 2, [(byte)(0x90 | channel), (byte)key, (byte)velocity]));
        _events.Add((tick + length, 1, [(byte)(0x80 | channel), (byte)key, 0]));
    }

    public byte[] ToMidi()
    {
        var track = new List<byte>();
        int usPerQuarter = 60_000_000 / bpm;
        track.AddRange([0, 0xFF, 0x51, 3, (byte)(usPerQuarter >> 16), (byte)(usPerQuarter >> 8), (byte)usPerQuarter]);
        int last = 0;
        foreach (var e in _events.OrderBy(e => e.Tick).ThenBy(e => e.Order))
        {
            WriteVarLen(track, e.Tick - last); last = e.Tick;
            track.AddRange(e.Bytes);
        }
        WriteVarLen(track, 4 * 480); track.AddRange([0xFF, 0x2F, 0]);
        var file = new List<byte>("MThd"u8.ToArray()) { 0, 0, 0, 6, 0, 0, 0, 1, 480 >> 8, 480 & 0xFF };
        file.AddRange("MTrk"u8.ToArray());
        file.AddRange([(byte)(track.Count >> 24), (byte)(track.Count >> 16), (byte)(track.Count >> 8), (byte)track.Count]);
        file.AddRange(track);
        return [.. file];
    }

    private static void WriteVarLen(List<byte> dst, int value)
    {
        var stack = new Stack<byte>();
        stack.Push((byte)(value & 0x7F));
        while ((value >>= 7) > 0) stack.Push((byte)(0x80 | (value & 0x7F)));
        dst.AddRange(stack);
    }
}

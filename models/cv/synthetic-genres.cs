// Experiment record (issue #9, 2026-12-06; NOT used by the bundled model): synthetic training songs. Composes randomised
// genre-styled MIDI (tempo, key, General MIDI instruments, drum kit, groove, a vibrato "voice" line), renders it with
// fluidsynth through one of three Debian soundfonts, and masters each genre with sox (overdrive + compression for metal
// and rock, compression + bass/treble for pop, disco and hip-hop, hall reverb for classical, now and then a narrow-band
// "old recording"). Every note is written here; no third-party audio is involved. Results: models/cv/seed-errors.md.
//   apt-get install -y fluidsynth fluid-soundfont-gm timgm6mb-soundfont musescore-general-soundfont-small sox
//   dotnet run models/cv/synthetic-genres.cs <outDir> <songsPerGenre> <seed>     # writes <outDir>/<genre>/*.wav, 30 s, 22050 Hz mono
// The first set measured (seed 1, 20 per genre) was made before the mastering chain and the voice line were added.
using System.Diagnostics;
using static Sc;

const int Q = 480;
string outDir = args[0]; int perGenre = int.Parse(args[1]); int baseSeed = int.Parse(args[2]);
string[] fonts = ["/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/TimGM6mb.sf2", "/usr/share/sounds/sf3/MuseScore_General.sf3"];
var genres = new (string Name, Action<Song, Random, int, int> Compose, int BpmLo, int BpmHi)[]
{
    ("blues", Blues, 66, 126), ("classical", Classical, 56, 140), ("country", Country, 90, 170), ("disco", Disco, 110, 132),
    ("hiphop", HipHop, 80, 100), ("jazz", Jazz, 96, 220), ("metal", Metal, 120, 210), ("pop", Pop, 92, 128),
    ("reggae", Reggae, 64, 88), ("rock", Rock, 100, 160),
};
var jobs = new List<(string Mid, string Wav, string Font, double Gain, bool Rev, string[] Fx)>();
for (int gi = 0; gi < genres.Length; gi++)
{
    var g = genres[gi];
    Directory.CreateDirectory(Path.Combine(outDir, g.Name));
    for (int k = 0; k < perGenre; k++)
    {
        var r = new Random(baseSeed * 1000 + gi * 100 + k);
        int bpm = r.Next(g.BpmLo, g.BpmHi + 1);
        var s = new Song(bpm, r);
        int bars = (int)Math.Ceiling(32.0 * bpm / 60 / 4);
        int key = r.Next(-5, 7);
        g.Compose(s, r, bars, key);
        string stem = Path.Combine(outDir, g.Name, $"{g.Name}.synth{k:D3}");
        File.WriteAllBytes(stem + ".mid", s.ToMidi());
        jobs.Add((stem + ".mid", stem + ".wav", fonts[r.Next(fonts.Length)], 0.35 + 0.4 * r.NextDouble(), r.Next(2) == 0, Master(g.Name, r)));
    }
}
Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = 2 }, j =>
{
    string stereo = j.Wav + ".st.tmp";
    var psi = new ProcessStartInfo("fluidsynth", ["-n", "-i", "-q", "-r", "22050", "-g", j.Gain.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
        "-R", j.Rev ? "1" : "0", "-C", j.Rev ? "1" : "0", "-T", "wav", "-O", "s16", "-F", stereo, j.Font, j.Mid]) { RedirectStandardError = true, RedirectStandardOutput = true };
    using var p = Process.Start(psi)!;
    p.StandardOutput.ReadToEnd(); p.StandardError.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new Exception($"fluidsynth failed on {j.Mid}");
    string mono = j.Wav + ".mono.wav";
    Downmix(stereo, mono, 30 * 22050);
    var fx = new ProcessStartInfo("sox", [mono, j.Wav, .. j.Fx]) { RedirectStandardError = true, RedirectStandardOutput = true };
    using (var q = Process.Start(fx)!) { q.StandardOutput.ReadToEnd(); string err = q.StandardError.ReadToEnd(); q.WaitForExit(); if (q.ExitCode != 0) throw new Exception($"sox failed on {j.Wav}: {err}"); }
    File.Delete(stereo); File.Delete(mono); File.Delete(j.Mid);
});
Console.WriteLine($"{jobs.Count} songs");

static void Downmix(string stereoWav, string monoWav, int maxFrames)
{
    byte[] src = File.ReadAllBytes(stereoWav);
    int d = 12;
    while (System.Text.Encoding.ASCII.GetString(src, d, 4) != "data") d += 8 + BitConverter.ToInt32(src, d + 4);
    int frames = Math.Min(maxFrames, BitConverter.ToInt32(src, d + 4) / 4), rate = BitConverter.ToInt32(src, 24);
    using var w = new BinaryWriter(File.Create(monoWav));
    w.Write("RIFF"u8); w.Write(36 + frames * 2); w.Write("WAVE"u8);
    w.Write("fmt "u8); w.Write(16); w.Write((short)1); w.Write((short)1); w.Write(rate); w.Write(rate * 2); w.Write((short)2); w.Write((short)16);
    w.Write("data"u8); w.Write(frames * 2);
    for (int i = 0; i < frames; i++) { int o = d + 8 + 4 * i; w.Write((short)((BitConverter.ToInt16(src, o) + BitConverter.ToInt16(src, o + 2)) / 2)); }
}

// A mastering chain per genre (sox effects on the mono mix): what the studio does to each kind of record.
static string[] Master(string genre, Random r)
{
    string F(double x) => x.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
    var fx = new List<string>();
    string[] loud = ["compand", "0.01,0.2", "6:-60,-40,-30,-16,-20,-10,0,-4", "-6", "-90", "0.05"];
    switch (genre)
    {
        case "metal": fx.AddRange(["overdrive", F(10 + 15 * r.NextDouble()), F(10 + 20 * r.NextDouble())]); fx.AddRange(loud); break;
        case "rock": fx.AddRange(["overdrive", F(2 + 8 * r.NextDouble()), "20"]); fx.AddRange(loud); break;
        case "pop" or "disco" or "hiphop": fx.AddRange(loud); fx.AddRange(["bass", F(2 + 5 * r.NextDouble()), "treble", F(4 * r.NextDouble())]); break;
        case "classical": fx.AddRange(["reverb", F(40 + 50 * r.NextDouble())]); break;
        default: if (r.Next(2) == 0) fx.AddRange(loud); break;
    }
    // an old or cheap recording now and then: narrow band, a little hiss
    if (r.Next(genre is "blues" or "jazz" or "country" or "classical" ? 2 : 5) == 0)
        fx.AddRange(["sinc", F(80 + 150 * r.NextDouble()) + "-" + F(4000 + 5000 * r.NextDouble())]);
    fx.AddRange(["gain", "-n", "-1"]);
    return [.. fx];
}

static T Pick<T>(Random r, params T[] xs) => xs[r.Next(xs.Length)];
static int[] Chord(string q) => q switch
{
    "maj" => [0, 4, 7], "min" => [0, 3, 7], "7" => [0, 4, 7, 10], "m7" => [0, 3, 7, 10], "maj7" => [0, 4, 7, 11],
    "9" => [0, 4, 10, 14], "m9" => [0, 3, 10, 14], "pow" => [0, 7, 12], "dim" => [0, 3, 6], _ => [0, 4, 7],
};
// Melody: a random walk over a scale, in the given rhythm cells (ticks), register around `centre`.
static void Melody(Song s, Random r, int ch, int[] scale, int root, int centre, int t0, int t1, int[] cells, int vel, double rest)
{
    int deg = 0;
    for (int t = t0; t < t1;)
    {
        int len = Pick(r, cells);
        if (r.NextDouble() >= rest)
        {
            deg += r.Next(-2, 3);
            deg = Math.Clamp(deg, -scale.Length, 2 * scale.Length);
            int oct = (int)Math.Floor(deg / (double)scale.Length), idx = deg - oct * scale.Length;
            s.Note(ch, centre + root + 12 * oct + scale[idx], t, (int)(len * 0.9), vel + r.Next(-10, 10));
        }
        t += len;
    }
}
static void Mix(Song s, Random r, int ch, int program, int lo = 70, int hi = 115)
{ s.Program(ch, program); s.Cc(ch, 7, r.Next(lo, hi)); s.Cc(ch, 10, r.Next(30, 98)); s.Cc(ch, 91, r.Next(0, 80)); }

static void Voice(Song s, Random r, int[] scale, int root, int bars, int barTicks, int[] cells, double p)
{
    if (r.NextDouble() >= p) return;
    Mix(s, r, 4, Pick(r, 52, 53, 54, 85, 65, 66, 68, 71), 85, 120);
    for (int bar = 0; bar < bars; bar += 2)
    {
        if (r.Next(4) == 0) continue; // a verse gap
        Melody(s, r, 4, scale, root % 12, Pick(r, 60, 62, 67), bar * barTicks, (bar + 2) * barTicks - barTicks / 2, cells, 100, 0.12);
    }
    s.Vibrato(4, 0, bars * barTicks, 0.06 + 0.06 * r.NextDouble(), (4.5 + 2 * r.NextDouble()) * 60 / 120.0);
}

static void Blues(Song s, Random r, int bars, int key)
{
    Voice(s, r, BluesSc, 40 + key, bars, 4 * Q, [Q / 2, Q, 2 * Q, Q / 3], 0.6);
    Mix(s, r, 0, Pick(r, 25, 26, 27, 29, 0)); Mix(s, r, 1, Pick(r, 32, 33, 34)); Mix(s, r, 2, Pick(r, 22, 29, 65, 26, 56));
    Mix(s, r, 3, Pick(r, 0, 16, 4)); s.Program(9, Pick(r, 0, 8, 32));
    int root = 40 + key; bool slow = r.Next(3) == 0; int sw = slow ? Q / 3 : Q / 3 + r.Next(0, Q / 8);
    int[] form = [0, Pick(r, 0, 5), 0, 0, 5, 5, 0, 0, 7, 5, 0, Pick(r, 0, 7)];
    for (int bar = 0; bar < bars; bar++)
    {
        int rr = root + form[bar % 12], t0 = bar * 4 * Q;
        for (int b = 0; b < 4; b++)
        {
            int t = t0 + b * Q;
            s.Note(0, rr, t, Q / 2, 80); s.Note(0, rr + 7, t, Q / 2, 75); s.Note(0, rr + (b % 2 == 0 ? 9 : 10), t + Q - sw, sw, 70);
            int[] walk = [0, 4, 7, 9];
            s.Note(1, rr - 12 + walk[b], t, Q * 2 / 3, 95); s.Note(1, rr - 12 + walk[(b + 2) % 4], t + Q - sw, sw, 80);
            s.Note(9, Pick(r, 51, 42), t, Q / 3, 70); s.Note(9, 42, t + Q - sw, sw, 55);
            if (b % 2 == 1) s.Note(9, 38, t, Q / 2, 90); else s.Note(9, 36, t, Q / 2, 90);
            if (r.Next(3) == 0) s.Note(3, rr + 12 + Pick(r, 4, 7, 10), t + Q - sw, sw, 60);
        }
        if (r.NextDouble() < 0.6) Melody(s, r, 2, BluesSc, rr % 12, 60, t0, t0 + 4 * Q, [Q - sw, sw, Q, 2 * Q], 85, 0.3);
    }
}

static void Classical(Song s, Random r, int bars, int key)
{
    int style = r.Next(4); // 0 piano, 1 string ensemble, 2 chamber (solo + strings), 3 harpsichord/organ baroque
    int[] scale = r.Next(3) == 0 ? Minor : Major; int root = 48 + key;
    int[][] prog = [[0, 2, 4], [5, 0, 2], [3, 5, 0], [4, 6, 1], [0, 2, 4], [1, 3, 5], [4, 6, 1], [0, 2, 4]];
    int p0 = style switch { 0 => 0, 1 => Pick(r, 48, 49), 2 => Pick(r, 48, 0), _ => Pick(r, 6, 19, 0) };
    int p1 = style switch { 0 => 0, 1 => Pick(r, 48, 49, 42), 2 => Pick(r, 40, 73, 68, 71, 42, 60), _ => Pick(r, 6, 19, 48) };
    Mix(s, r, 0, p0); Mix(s, r, 1, p1); Mix(s, r, 2, Pick(r, 42, 43, 32, 0));
    int beat = r.Next(2) == 0 ? 3 : 4; double rub = 0.5 + r.NextDouble();
    for (int bar = 0; bar < bars; bar++)
    {
        var c = prog[(bar + (bar / 8) * 3) % prog.Length]; int t0 = bar * beat * Q;
        int dyn = 40 + (int)(35 * (0.5 + 0.5 * Math.Sin(bar * rub / 3.0)));
        int[] notes = c.Select(dg => root + 12 + scale[dg % 7] + (dg >= 7 ? 12 : 0)).ToArray();
        int sub = Pick(r, 2, 4, 3);
        for (int i = 0; i < beat * sub; i++)
        {
            int n = notes[(i % 4 == 3 ? 1 : i % 4 % 3)];
            if (style != 1) s.Note(0, n + (i / (beat * sub / 2)) * 12 - 12, t0 + i * Q / sub, Q / sub, dyn + r.Next(-5, 6));
        }
        s.Note(2, notes[0] - 24, t0, beat * Q - 20, dyn);
        if (style == 1) foreach (int n in notes) s.Note(0, n, t0, beat * Q - 10, dyn);
        Melody(s, r, 1, scale, root % 12, 72, t0, t0 + beat * Q, [Q / 2, Q, Q, 2 * Q, Q / 4], dyn + 15, 0.1);
    }
}

static void Country(Song s, Random r, int bars, int key)
{
    Voice(s, r, MajPent, 43 + key, bars, 4 * Q, [Q / 2, Q, Q, 2 * Q], 0.7);
    Mix(s, r, 0, Pick(r, 25, 24)); Mix(s, r, 1, Pick(r, 33, 32, 34)); Mix(s, r, 2, Pick(r, 110, 105, 26, 22, 3, 27)); Mix(s, r, 3, Pick(r, 3, 0, 26));
    s.Program(9, Pick(r, 0, 8, 40));
    int root = 43 + key; int[] form = [0, 0, 5, 5, 7, 7, 0, 0, 0, 5, 0, 7, 0, 5, 7, 0];
    bool train = r.Next(2) == 0; int off = r.Next(16);
    for (int bar = 0; bar < bars; bar++)
    {
        int rr = root + form[(bar + off) % 16], t0 = bar * 4 * Q;
        for (int b = 0; b < 4; b++)
        {
            int t = t0 + b * Q;
            s.Note(1, rr - 12 + (b % 2 == 0 ? 0 : 7), t, Q * 3 / 4, 95);
            s.Note(9, b % 2 == 0 ? 36 : 38, t, Q / 4, b % 2 == 0 ? 85 : 75);
            if (train) for (int e = 0; e < 4; e++) s.Note(9, 38, t + e * Q / 4, Q / 8, e == 0 ? 60 : 35);
            else s.Note(9, 42, t + Q / 2, Q / 4, 55);
            // boom-chick strum
            foreach (int i in Chord("maj")) s.Note(0, rr + 12 + i + (b % 2 == 0 ? 0 : 12), t + (b % 2) * 10, Q / 2, 70);
            s.Note(0, rr + 19, t + Q / 2, Q / 4, 55);
        }
        if (r.NextDouble() < 0.7) Melody(s, r, 2, MajPent, rr % 12, 67, t0, t0 + 4 * Q, [Q / 2, Q / 4, Q, Q / 2], 85, 0.2);
        if (r.Next(2) == 0) foreach (int i in Chord("maj")) s.Note(3, rr + 12 + i, t0 + Q, Q / 2, 50);
    }
}

static void Disco(Song s, Random r, int bars, int key)
{
    Voice(s, r, Dorian, 40 + key, bars, 4 * Q, [Q / 2, Q, Q / 4, 2 * Q], 0.7);
    Mix(s, r, 0, Pick(r, 38, 39, 33, 36)); Mix(s, r, 1, Pick(r, 48, 49, 50)); Mix(s, r, 2, Pick(r, 28, 27)); Mix(s, r, 3, Pick(r, 61, 62, 56, 4, 81));
    s.Program(9, Pick(r, 0, 24, 8));
    int root = 40 + key; int[][] prog = [[0], [0], [5], [5], [3], [3], [7], [7]]; string q = Pick(r, "m7", "min", "maj7");
    for (int bar = 0; bar < bars; bar++)
    {
        int rr = root + prog[bar % 8][0], t0 = bar * 4 * Q;
        for (int b = 0; b < 4; b++)
        {
            int t = t0 + b * Q;
            s.Note(9, 36, t, Q / 4, 110); s.Note(9, 46, t + Q / 2, Q / 4, 80); s.Note(9, 42, t, Q / 8, 50); s.Note(9, 42, t + 3 * Q / 4, Q / 8, 45);
            if (b % 2 == 1) s.Note(9, Pick(r, 38, 39), t, Q / 4, 95);
            s.Note(0, rr, t, Q / 4, 100); s.Note(0, rr + 12, t + Q / 2, Q / 4, 95);
            for (int e = 0; e < 4; e++) if (r.Next(3) > 0) s.Note(2, rr + 24 + Chord(q)[e % 3], t + e * Q / 4, Q / 8, 65);
        }
        if (bar % 2 == 0) foreach (int i in Chord(q)) s.Note(1, rr + 24 + i, t0 + Q / 2, Pick(r, Q / 2, 3 * Q), 80);
        if (r.NextDouble() < 0.5) Melody(s, r, 3, Dorian, rr % 12, 72, t0, t0 + 4 * Q, [Q / 2, Q / 4, Q], 90, 0.3);
    }
}

static void HipHop(Song s, Random r, int bars, int key)
{
    Voice(s, r, MinPent, 36 + key, bars, 4 * Q, [Q / 4, Q / 4, Q / 2], 0.4);
    Mix(s, r, 0, Pick(r, 38, 39, 33, 87)); Mix(s, r, 1, Pick(r, 4, 0, 5, 11, 48, 88)); Mix(s, r, 2, Pick(r, 53, 54, 85, 61, 80));
    s.Program(9, Pick(r, 25, 0, 24, 8));
    int root = 36 + key; double sw = r.NextDouble() * 0.3; string q = Pick(r, "m7", "min", "m9");
    // a two-bar kick pattern over 16ths
    var kick = new bool[32]; kick[0] = true; kick[16] = true; for (int i = 0; i < 5; i++) kick[Pick(r, 3, 6, 7, 10, 11, 14, 19, 22, 26, 27, 30)] = true;
    int[] loop = [0, Pick(r, 3, 5, 8, -2), Pick(r, 0, 5, 7), Pick(r, -4, 3, 10)];
    for (int bar = 0; bar < bars; bar++)
    {
        int t0 = bar * 4 * Q, rr = root + loop[bar % 4];
        for (int i = 0; i < 16; i++)
        {
            int t = t0 + i * Q / 4 + (i % 2 == 1 ? (int)(sw * Q / 4) : 0);
            if (kick[(bar % 2) * 16 + i]) { s.Note(9, 36, t, Q / 4, 115); s.Note(0, rr, t, Q / 2, 110); }
            if (i == 4 || i == 12) s.Note(9, Pick(r, 38, 39, 40), t, Q / 4, 110);
            if (r.Next(10) > 1) s.Note(9, 42, t, Q / 8, 45 + (i % 2 == 0 ? 20 : 0));
        }
        if (bar % 2 == 0 || r.Next(2) == 0) foreach (int i in Chord(q)) s.Note(1, rr + 24 + i, t0, Pick(r, 2 * Q, 4 * Q, Q), 70);
        // chant-like rhythmic line (stand-in for a rapped voice): repeated pitches in 16ths
        if (r.NextDouble() < 0.5) for (int i = 0; i < 16; i++) if (r.Next(3) > 0) s.Note(2, rr + 36 + Pick(r, 0, 0, 3, 5), t0 + i * Q / 4, Q / 5, 80);
    }
}

static void Jazz(Song s, Random r, int bars, int key)
{
    Voice(s, r, Dorian, 41 + key, bars, 4 * Q, [Q / 2, Q, Q / 3, 2 * Q / 3], 0.4);
    Mix(s, r, 0, 32); Mix(s, r, 1, Pick(r, 0, 4, 26)); Mix(s, r, 2, Pick(r, 65, 66, 64, 56, 57, 73, 11));
    s.Program(9, Pick(r, 32, 40, 0));
    int root = 41 + key; int[] iiVI = [2, 7, 0, 0, 9, 2, 7, 0]; double swing = 0.6 + 0.1 * r.NextDouble();
    int s8 = (int)(Q * swing);
    for (int bar = 0; bar < bars; bar++)
    {
        int deg = iiVI[bar % 8], rr = root + deg, t0 = bar * 4 * Q;
        string q = deg == 2 || deg == 9 ? "m7" : deg == 7 ? Pick(r, "7", "9") : "maj7";
        var c = Chord(q);
        for (int b = 0; b < 4; b++)
        {
            int t = t0 + b * Q;
            s.Note(0, rr - 12 + (b == 0 ? 0 : Pick(r, c[1], c[2], c.Length > 3 ? c[3] : 2, 2, -1)), t, Q - 10, 95);
            s.Note(9, 51, t, Q / 3, 80); if (b % 2 == 1) { s.Note(9, 51, t + s8, Q / 4, 65); s.Note(9, 44, t, Q / 4, 70); }
            if (r.Next(6) == 0) s.Note(9, 38, t + s8, Q / 4, 50);
        }
        int ct = t0 + Pick(r, 0, s8, Q + s8, 2 * Q + s8);
        foreach (int i in c) s.Note(1, rr + 12 + i, ct, Pick(r, Q / 2, Q), 65);
        if (r.Next(2) == 0) foreach (int i in c) s.Note(1, rr + 12 + i, t0 + 2 * Q + s8 + Q - s8, Q / 3, 60);
        if (r.NextDouble() < 0.8) Melody(s, r, 2, Dorian, rr % 12, 62, t0, t0 + 4 * Q, [s8, Q - s8, Q, Q / 3], 85, 0.15);
    }
}

static void Metal(Song s, Random r, int bars, int key)
{
    Voice(s, r, Minor, 38 + key, bars, 4 * Q, [Q, 2 * Q, Q / 2], 0.5);
    Mix(s, r, 0, 30, 95, 127); Mix(s, r, 1, Pick(r, 30, 29), 90, 127); Mix(s, r, 2, Pick(r, 34, 33, 30)); s.Program(9, Pick(r, 16, 0, 8));
    int root = 38 + Math.Clamp(key, -3, 4); int[] sc = Pick(r, Phryg, Minor, MinPent);
    var riff = new int[16]; for (int i = 0; i < 16; i++) riff[i] = r.Next(3) == 0 ? sc[r.Next(sc.Length)] : 0;
    bool blast = r.Next(3) == 0; bool gallop = r.Next(2) == 0;
    for (int bar = 0; bar < bars; bar++)
    {
        int t0 = bar * 4 * Q;
        if (bar % 8 == 4) for (int i = 0; i < 16; i++) riff[i] = r.Next(3) == 0 ? sc[r.Next(sc.Length)] : 0;
        for (int i = 0; i < 16; i++)
        {
            int t = t0 + i * Q / 4, n = root + riff[i];
            if (!gallop || i % 4 != 1)
            {
                s.Note(0, n, t, Q / 5, 110); s.Note(0, n + 7, t, Q / 5, 100); s.Note(2, n - 12, t, Q / 5, 105);
                s.Note(9, 36, t, Q / 8, 115);
            }
            if (blast ? i % 2 == 1 : i % 8 == 4) s.Note(9, 38, t, Q / 4, 120);
            if (i % 2 == 0) s.Note(9, Pick(r, 42, 51, 49), t, Q / 8, 70);
        }
        if (bar % 4 == 0) s.Note(9, 49, t0, Q, 115);
        if (r.NextDouble() < 0.4) Melody(s, r, 1, sc, root % 12, 64, t0, t0 + 4 * Q, [Q / 4, Q / 2, Q / 8], 100, 0.1);
    }
}

static void Pop(Song s, Random r, int bars, int key)
{
    Voice(s, r, Major, 43 + key, bars, 4 * Q, [Q / 2, Q / 2, Q, Q / 4], 0.85);
    Mix(s, r, 0, Pick(r, 33, 38, 34)); Mix(s, r, 1, Pick(r, 0, 4, 89, 90, 24, 25, 48)); Mix(s, r, 2, Pick(r, 54, 53, 80, 81, 73, 65, 52));
    Mix(s, r, 3, Pick(r, 25, 27, 5, 88)); s.Program(9, Pick(r, 0, 24, 8));
    int root = 43 + key; int[][] prog = Pick(r, new[] { new[] { 0, 0 }, [7, 0], [9, 1], [5, 0] }, [[0, 0], [9, 1], [5, 0], [7, 0]], [[9, 1], [5, 0], [0, 0], [7, 0]]);
    for (int bar = 0; bar < bars; bar++)
    {
        var pc = prog[bar % 4]; int rr = root + pc[0], t0 = bar * 4 * Q; var c = Chord(pc[1] == 1 ? "min" : "maj");
        for (int b = 0; b < 4; b++)
        {
            int t = t0 + b * Q;
            s.Note(9, b % 2 == 0 ? 36 : 38, t, Q / 4, 100); if (r.Next(4) == 0 && b == 2) s.Note(9, 36, t + Q / 2, Q / 4, 90);
            s.Note(9, 42, t, Q / 8, 60); s.Note(9, 42, t + Q / 2, Q / 8, 50);
            s.Note(0, rr, t, Q / 2, 95); s.Note(0, rr, t + Q / 2, Q / 2, 85);
            foreach (int i in c) s.Note(3, rr + 24 + i, t + Q / 2, Q / 3, 55);
        }
        foreach (int i in c) s.Note(1, rr + 12 + i, t0, 4 * Q - 20, 65);
        Melody(s, r, 2, Major, root % 12, 67, t0, t0 + 4 * Q, [Q / 2, Q / 2, Q, Q / 4, 3 * Q / 2], 95, 0.2);
    }
}

static void Reggae(Song s, Random r, int bars, int key)
{
    Voice(s, r, MajPent, 45 + key, bars, 4 * Q, [Q / 2, Q, Q / 4], 0.7);
    Mix(s, r, 0, Pick(r, 16, 17, 18)); Mix(s, r, 1, Pick(r, 27, 28, 26)); Mix(s, r, 2, Pick(r, 33, 38, 34)); Mix(s, r, 3, Pick(r, 54, 56, 65, 52, 22));
    s.Program(9, Pick(r, 0, 8, 24));
    int root = 45 + key; int[][] prog = Pick(r, new[] { new[] { 0, 1 }, [0, 1], [-2, 0], [-2, 0] }, [[0, 0], [5, 0], [7, 0], [5, 0]], [[0, 1], [5, 1], [0, 1], [7, 1]]);
    int drum = r.Next(3); // one drop, rockers, steppers
    var bassLine = new (int Step, int Note)[] { (0, 0), (3, Pick(r, 7, 3, 5)), (4, Pick(r, 5, 7)), (6, Pick(r, 3, 10)), (10, Pick(r, 0, 7)), (12, Pick(r, 5, 3)) };
    for (int bar = 0; bar < bars; bar++)
    {
        var pc = prog[bar % 4]; int rr = root + pc[0], t0 = bar * 4 * Q; var c = Chord(pc[1] == 1 ? "min" : "maj");
        for (int b = 0; b < 4; b++)
        {
            int t = t0 + b * Q + Q / 2;
            foreach (int n in c) { s.Note(0, rr + n, t, Q / 4, 75); s.Note(1, rr + 12 + n, t, Q / 6, 70); }
            s.Note(9, 42, t0 + b * Q, Q / 4, 60); s.Note(9, 42, t, Q / 4, 50);
            if (drum == 2) s.Note(9, 36, t0 + b * Q, Q / 2, 100);
        }
        if (drum == 1) { s.Note(9, 36, t0, Q / 2, 105); s.Note(9, 36, t0 + 2 * Q, Q / 2, 105); }
        s.Note(9, 36, t0 + 2 * Q, Q / 2, 110); s.Note(9, Pick(r, 37, 38), t0 + 2 * Q, Q / 2, 100);
        foreach (var (step, n) in bassLine) if (r.Next(6) > 0) s.Note(2, rr - 24 + n, t0 + step * Q / 4, Q / 2, 110);
        if (r.NextDouble() < 0.5) Melody(s, r, 3, pc[1] == 1 ? MinPent : MajPent, rr % 12, 62, t0, t0 + 4 * Q, [Q / 2, Q, Q / 4], 85, 0.35);
    }
}

static void Rock(Song s, Random r, int bars, int key)
{
    Voice(s, r, MinPent, 40 + key, bars, 4 * Q, [Q / 2, Q, Q / 4, 2 * Q], 0.7);
    Mix(s, r, 0, Pick(r, 29, 30, 29), 85, 120); Mix(s, r, 1, Pick(r, 33, 34)); Mix(s, r, 2, Pick(r, 29, 27, 30, 17, 54)); Mix(s, r, 3, Pick(r, 25, 27, 0));
    s.Program(9, Pick(r, 0, 8, 16));
    int root = 40 + Math.Clamp(key, -2, 5); int[][] prog = Pick(r, new[] { new[] { 0 }, [5], [7], [5] }, [[0], [10], [5], [0]], [[0], [3], [5], [7]], [[9], [5], [0], [7]]);
    bool half = r.Next(4) == 0;
    for (int bar = 0; bar < bars; bar++)
    {
        int rr = root + prog[(bar / 2) % 4][0] % 12, t0 = bar * 4 * Q;
        for (int e = 0; e < 8; e++)
        {
            int t = t0 + e * Q / 2;
            s.Note(0, rr, t, Q / 2 - 20, 100); s.Note(0, rr + 7, t, Q / 2 - 20, 95); if (r.Next(2) == 0) s.Note(0, rr + 12, t, Q / 2 - 20, 85);
            s.Note(2, rr - 12, t, Q / 2 - 10, 100);
            s.Note(9, Pick(r, 42, 42, 46, 51), t, Q / 8, 70);
            if (e == 0 || e == 4 || (r.Next(5) == 0)) s.Note(9, 36, t, Q / 4, 110);
            if (half ? e == 4 : (e == 2 || e == 6)) s.Note(9, 38, t, Q / 4, 115);
        }
        if (bar % 4 == 0) s.Note(9, 49, t0, Q, 110);
        if (r.NextDouble() < 0.5) Melody(s, r, 2, MinPent, rr % 12, 64, t0, t0 + 4 * Q, [Q / 2, Q / 4, Q], 95, 0.25);
    }
}

sealed class Song(int bpm, Random rng)
{
    private readonly List<(int Tick, int Order, byte[] Bytes)> _events = [];
    public void Program(int ch, int program) => _events.Add((0, 0, [(byte)(0xC0 | ch), (byte)program]));
    public void Cc(int ch, int cc, int v) => _events.Add((0, 0, [(byte)(0xB0 | ch), (byte)cc, (byte)Math.Clamp(v, 0, 127)]));
    public void Note(int ch, int key, int tick, int length, int velocity)
    {
        if (key < 0 || key > 127) return;
        int j = rng.Next(-12, 13); tick = Math.Max(0, tick + j);
        int v = Math.Clamp(velocity + rng.Next(-8, 9), 1, 127);
        _events.Add((tick, 2, [(byte)(0x90 | ch), (byte)key, (byte)v]));
        _events.Add((tick + Math.Max(10, length), 1, [(byte)(0x80 | ch), (byte)key, 0]));
    }
    public void Bend(int ch, int tick, int value14) => _events.Add((tick, 0, [(byte)(0xE0 | ch), (byte)(value14 & 0x7F), (byte)((value14 >> 7) & 0x7F)]));
    /// <summary>Pitch-bend vibrato from t0 to t1 ticks: depth as a share of the bend range (GM default ±2 semitones, so 0.06
    /// is ±12 cents), <paramref name="cyclesPerQuarter"/> cycles per quarter note (the caller's 4.5–6.5 Hz assume 120 bpm).</summary>
    public void Vibrato(int ch, int t0, int t1, double depth, double cyclesPerQuarter)
    {
        for (int t = t0; t < t1; t += 20) Bend(ch, t, 8192 + (int)(depth * 8191 * Math.Sin(2 * Math.PI * cyclesPerQuarter * t / 480.0)));
    }
    public byte[] ToMidi()
    {
        var track = new List<byte>();
        int us = 60_000_000 / bpm;
        track.AddRange([0, 0xFF, 0x51, 3, (byte)(us >> 16), (byte)(us >> 8), (byte)us]);
        int last = 0;
        foreach (var e in _events.OrderBy(e => e.Tick).ThenBy(e => e.Order)) { WriteVarLen(track, e.Tick - last); last = e.Tick; track.AddRange(e.Bytes); }
        WriteVarLen(track, 4 * 480); track.AddRange([0xFF, 0x2F, 0]);
        var file = new List<byte>("MThd"u8.ToArray()) { 0, 0, 0, 6, 0, 0, 0, 1, 480 >> 8, 480 & 0xFF };
        file.AddRange("MTrk"u8.ToArray());
        file.AddRange([(byte)(track.Count >> 24), (byte)(track.Count >> 16), (byte)(track.Count >> 8), (byte)track.Count]);
        file.AddRange(track);
        return [.. file];
    }
    private static void WriteVarLen(List<byte> dst, int value)
    {
        var stack = new Stack<byte>(); stack.Push((byte)(value & 0x7F));
        while ((value >>= 7) > 0) stack.Push((byte)(0x80 | (value & 0x7F)));
        dst.AddRange(stack);
    }
}

static class Sc
{
    public static readonly int[] Major = [0, 2, 4, 5, 7, 9, 11], Minor = [0, 2, 3, 5, 7, 8, 10], Dorian = [0, 2, 3, 5, 7, 9, 10],
        MinPent = [0, 3, 5, 7, 10], MajPent = [0, 2, 4, 7, 9], BluesSc = [0, 3, 5, 6, 7, 10], Phryg = [0, 1, 3, 5, 7, 8, 10];
}

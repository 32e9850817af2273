// Classify songs with the bundled model: dotnet run --project samples/ClassifySong -- song.mp3 [more files]
using MusicGenre;
using MusicGenre.Api;

using var classifier = GenreClassifier.LoadDefault(new ClassifierOptions { Device = DeviceKind.Cpu });
foreach (var path in args)
{
    var song = classifier.Predict(path);
    Console.WriteLine($"{path}: " + string.Join(", ", song.TopK(3).Select(s => $"{s.Genre} {s.Probability:P1}")));
}

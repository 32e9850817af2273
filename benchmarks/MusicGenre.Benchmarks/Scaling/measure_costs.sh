#!/usr/bin/env bash
# Per-clip costs of the preprocessing and prediction stages, measured with the real CLI, for the capacity plan in
# docs/scaling.md. Run it on an otherwise idle machine (it prints `uptime` before and after):
#
#   MUSICGENRE="dotnet src/MusicGenre.Cli/bin/Release/net10.0/musicgenre.dll" \
#     benchmarks/MusicGenre.Benchmarks/Scaling/measure_costs.sh [N]
#
# Inputs (N clips each, default 200, made in a temp folder that is deleted at the end):
#   - N copies of the real 7digital preview in ../shared/data/mp3 (30 s, 22.05 kHz stereo, 64 kbit/s: what MSD previews are);
#   - N 44.1 kHz stereo 128 kbit/s MP3s encoded by lame from gtzan-mini songs (the other common preview format);
#   - the 100 gtzan-mini WAV clips.
# Needs Debian's mpg123 (peer decoder), lame, sox, bc and GNU time (apt-get install mpg123 lame sox bc time).
# IDLE=1 waits before each measured step until the 1-minute load average is below 0.3 and prints `uptime` before and
# after the step (each step then starts on a quiet machine and its own load is what "after" shows).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
shared=${SHARED:-$repo/../shared}
cli=${MUSICGENRE:-musicgenre}
n=${1:-200}
cpus=$(nproc)
work=$(mktemp -d /tmp/musicgenre-costs-XXXXXX)
trap 'rm -rf "$work"' EXIT
preview="$shared/data/mp3/TRWJAZW128F42760DD_test.mp3"

idle() { [ "${IDLE:-0}" = 1 ] || return 0; for _ in $(seq 1 60); do awk '{exit !($1 < 0.3)}' /proc/loadavg && break; sleep 5; done; echo "    ($1) before: $(uptime)"; }
after() { [ "${IDLE:-0}" = 1 ] && echo "    ($1) after: $(uptime)"; return 0; }
echo "# uptime before: $(uptime)"
echo "# cpu: $(lscpu | sed -n 's/^Model name: *//p'), $cpus cores; vector flags: $(grep -o -w 'avx512f\|avx2' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "# date: $(date -u +%Y-%m-%dT%H:%MZ); cli: $cli; N=$n"

# 1. Inputs, as CSV manifests (path,genre,song_id): one song id per file, as a million distinct previews would have.
mkdir -p "$work/preview" "$work/mp3-44k" "$work/wav44"
genres=(blues classical country disco hiphop jazz metal pop reggae rock)
echo "path,genre,song_id" > "$work/preview.csv"
echo "path,genre,song_id" > "$work/mp3-44k.csv"
for i in $(seq 0 $((n - 1))); do
  g=${genres[$((i % 10))]}
  cp "$preview" "$work/preview/p$i.mp3"
  echo "$work/preview/p$i.mp3,$g,p$i" >> "$work/preview.csv"
done
for g in "${genres[@]}"; do
  for j in 0 1; do
    src="$shared/data/gtzan-mini/$g/$g.0000$j.wav"
    sox -q -G "$src" -r 44100 -c 2 "$work/wav44/$g$j.wav"
    lame --quiet -b 128 -m j "$work/wav44/$g$j.wav" "$work/mp3-44k/$g$j.mp3"
  done
done
for i in $(seq 0 $((n - 1))); do
  f=$(ls "$work/mp3-44k" | sed -n "$((i % 20 + 1))p")
  ln -f "$work/mp3-44k/$f" "$work/mp3-44k/c$i.mp3"
  echo "$work/mp3-44k/c$i.mp3,${genres[$((i % 10))]},c$i" >> "$work/mp3-44k.csv"
done
for f in "$work"/mp3-44k/*[0-9].mp3; do case $(basename "$f") in c*) ;; *) rm -f "$f";; esac; done

# 2. preprocess: wall and CPU time of each stage (decode + log-mel + spool = "features"; store writing = "merge").
stage() { tr '\r' '\n' < "$1" | grep -E "^preprocess: .* $2\$" | tail -1 | sed -E 's/.* ([0-9.]+)s '"$2"'$/\1/'; }
run_pre() { # name input jobs
  local out="$work/$1.h5"
  idle "$1" >&2
  /usr/bin/time -f "%e %U %S %M" -o "$work/$1.time" $cli preprocess "$2" --out "$out" --threads "$3" > "$work/$1.log" 2>&1
  after "$1" >&2
  read -r wall user sys rss < "$work/$1.time"
  local songs segs
  songs=$(grep -o 'analysed [0-9]*' "$work/$1.log" | grep -o '[0-9]*')
  local features merge bytes
  features=$(stage "$work/$1.log" features); merge=$(stage "$work/$1.log" merge)
  bytes=$(stat -c %s "$out")
  printf '| preprocess %s, --threads %s | %s | %.1f | %.1f | %.2f | %.2f | %.1f | %.0f | %d |\n' "$1" "$3" "$songs" "$wall" \
    "$(echo "$songs / $wall" | bc -l)" "$(echo "1000 * ($user + $sys) / $songs" | bc -l)" \
    "$(echo "1000 * $features / $songs" | bc -l)" "$(echo "1000 * ($merge - $features) / $songs" | bc -l)" \
    "$(echo "$bytes / $songs / 1024" | bc -l)" "$((rss / 1024))"
}
echo
echo "| run | clips | wall s | clips/s | CPU ms/clip | features stage ms/clip (wall) | store writing ms/clip (wall) | store KiB/song | peak RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
run_pre preview "$work/preview.csv" 1
run_pre preview-j$cpus "$work/preview.csv" "$cpus"
run_pre mp3-44k "$work/mp3-44k.csv" 1
run_pre wav "$shared/data/gtzan-mini" 1
mv "$work/wav.h5" "$work/wav-store.h5" # kept for the training row

# 3. Peer decoder: mpg123 decoding the same preview to mono 22.05 kHz raw PCM, N times, one process each.
idle mpg123
start=$(date +%s.%N)
for i in $(seq 0 $((n - 1))); do mpg123 -q -m -s "$work/preview/p$i.mp3" > /dev/null; done
end=$(date +%s.%N)
after mpg123
printf '\nmpg123 -q -m -s (whole process per file, 1 core): %.1f ms per preview\n' "$(echo "1000 * ($end - $start) / $n" | bc -l)"

# 4. Merge: the previews as 4 shards (as 4 machines would), then `merge` of the 4 stores.
idle merge
for k in 0 1 2 3; do $cli preprocess "$work/preview.csv" --out "$work/parts/part-$k.h5" --shard "$k/4" --threads 1 > /dev/null 2>&1; done
/usr/bin/time -f "%e %U %S %M" -o "$work/merge.time" $cli merge "$work/parts" --out "$work/merged.h5" > /dev/null 2>&1
after merge
read -r wall user sys rss < "$work/merge.time"
printf 'merge of 4 shard stores (%d songs): %.2f s wall, %.2f ms per song, peak RSS %d MiB\n' "$n" "$wall" "$(echo "1000 * $wall / $n" | bc -l)" "$((rss / 1024))"

# 5. Prediction: predict --json over the previews (decode + log-mel + network, bundled model), 1 job.
idle predict
/usr/bin/time -f "%e %U %S %M" -o "$work/predict.time" $cli predict "$work/preview" --json --threads 1 > "$work/predict.jsonl" 2> /dev/null
after predict
read -r wall user sys rss < "$work/predict.time"
printf 'predict --threads 1 over %d previews: %.1f s wall, %.1f clips/s, %.1f ms CPU per clip, peak RSS %d MiB\n' "$n" "$wall" \
  "$(echo "$n / $wall" | bc -l)" "$(echo "1000 * ($user + $sys) / $n" | bc -l)" "$((rss / 1024))"

# 6. Training: 2 epochs of the bundled recipe's network (default, width 16) on the gtzan-mini store; the second epoch's
#    seconds per 1,000 segments (the first includes loading the store).
idle train
$cli train "$work/wav-store.h5" --out "$work/m.h5" --hp width=16 --epochs 2 --val-split 0 --threads "$cpus" > "$work/train.log" 2>&1
after train
segs=$(grep -o '[0-9]* training' "$work/train.log" | grep -o '[0-9]*')
epoch=$(grep -E '^epoch +2/2' "$work/train.log" | grep -oE '[0-9.]+s' | tail -1 | tr -d s)
printf 'train default width 16, %d threads: %.1f s per epoch of %d segments = %.1f s per 1,000 segment-epochs\n' "$cpus" "$epoch" "$segs" "$(echo "1000 * $epoch / $segs" | bc -l)"

echo
echo "# uptime after: $(uptime)"

#!/usr/bin/env bash
# Side-by-side throughput and peak memory: cat, our CSV and JSON reports, our CSV from gzip,
# a gzip-decode-only baseline, and jq extracting 13 fields to CSV.
#
#   benches/compare.sh [--json FILE] [--cli-dump] [MB] [RUNS]   (defaults: 200 MB, 3 runs)
#
# --json FILE   also write the table as JSON (each job's seconds, MB/s, peak RSS and ratio
#               to our pretty-CSV speed), to chart it across commits
# --cli-dump    run on benches/cli_dump.py's dump (an independent generator, written as the
#               AWS CLI prints `list-findings`) instead of the project's own `gen`
#
# Each row is the median of RUNS runs. Inputs are generated deterministically under
# bench-data/ (git-ignored). jq is installed from Debian when missing. Timings are wall
# clock of the whole command, file to file, so they move with the machine's load: compare
# binaries in alternating runs, and use benches/instructions.sh for a load-free figure.
set -euo pipefail
cd "$(dirname "$0")/.."
json_out=
source=gen
while [ $# -gt 0 ]; do
  case $1 in
    --json) json_out=${2:?--json needs a file}; shift ;;
    --cli-dump) source=cli_dump ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "benches/compare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
  shift
done
MB=${1:-200}
RUNS=${2:-3}
DATA=bench-data
mkdir -p "$DATA"
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release -q -p inspector-report -p inspector-report-bench --bins
# BIN=PATH measures another build (an A/B against an older binary).
BIN=${BIN:-target/release/inspector-report}
GEN=target/release/gen
if [ "$source" = gen ]; then
  pretty="$DATA/report-$MB.json"
  compact="$DATA/pages-$MB.json"
  [ -f "$pretty" ] || "$GEN" --mb "$MB" --layout report -o "$pretty"
  [ -f "$compact" ] || "$GEN" --mb "$MB" --layout pages -o "$compact"
else
  pretty="$DATA/cli-dump-$MB.json"
  compact="$DATA/cli-dump-pages-$MB.json"
  [ -f "$pretty" ] || python3 benches/cli_dump.py --mb "$MB" -o "$pretty"
  [ -f "$compact" ] || python3 benches/cli_dump.py --mb "$MB" --compact -o "$compact"
fi
gz="$pretty.gz"
[ -f "$gz" ] || gzip -c -1 "$pretty" > "$gz"
JQ='.findings[] | [.awsAccountId, .severity, .status, .type, .title, .findingArn, (.firstObservedAt|tostring), (.lastObservedAt|tostring), (.updatedAt|tostring), (.inspectorScore|tostring), (.resources[0].id), (.resources[0].region), (.packageVulnerabilityDetails.vulnerabilityId // "")] | @csv'

# median wall seconds and max RSS (KB) of RUNS runs of a shell command. The wall time is
# taken in nanoseconds around /usr/bin/time (whose %e has only two decimals: 0.20 s could be
# 1,000 or 1,050 MB/s on 200 MB); it includes starting time and bash, about 2 ms.
# Each run writes a new file: the previous run's report is removed before the clock starts.
# Replacing an existing report would add the kernel's freeing of the old file's pages to
# the run (at the rename; about 45 ms for a 130 MB JSON report here, 2026-12-01), which is
# the cost of deleting the old report, not of converting.
measure() {
  local cmd=$1 times=() rss=0 t0 t1
  for _ in $(seq "$RUNS"); do
    rm -f "$DATA/out.csv" "$DATA/out2.csv" "$DATA/out.json" "$DATA/jq.csv"
    t0=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$DATA/time.txt" bash -c "$cmd" >/dev/null 2>&1
    t1=$(date +%s%N)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)/1e9}')")
    r=$(tail -n 1 "$DATA/time.txt"); [ "$r" -gt "$rss" ] && rss=$r
  done
  med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  echo "$med $rss"
}

size() { stat -c %s "$1"; }
printf '%-34s %10s %10s %12s %8s\n' job seconds MB/s "peak RSS" "vs ours"
row() {
  local name=$1 bytes=$2 cmd=$3
  read -r secs rss < <(measure "$cmd")
  mbs=$(awk -v b="$bytes" -v s="$secs" 'BEGIN{printf "%.0f", (s>0? b/1e6/s : 0)}')
  echo "$name $secs $mbs $rss"
}
results=()
results+=("$(row cat "$(size "$pretty")" "cat $pretty > /dev/null")")
results+=("$(row ours-csv-pretty "$(size "$pretty")" "$BIN -q --all-statuses -o $DATA/out.csv $pretty")")
results+=("$(row ours-csv-compact "$(size "$compact")" "$BIN -q --all-statuses -o $DATA/out.csv $compact")")
results+=("$(row ours-json-pretty "$(size "$pretty")" "$BIN -q --all-statuses -f json -o $DATA/out.json $pretty")")
results+=("$(row ours-csv-1-thread "$(size "$pretty")" "$BIN -q --all-statuses --threads 1 -o $DATA/out.csv $pretty")")
results+=("$(row ours-csv-from-gzip "$(size "$pretty")" "$BIN -q --all-statuses -o $DATA/out.csv $gz")")
results+=("$(row gzip-decode-only "$(size "$pretty")" "gzip -dc $gz > /dev/null")")
results+=("$(row jq-13-fields "$(size "$pretty")" "jq -r '$JQ' $pretty > $DATA/jq.csv")")
# The machine's own ceiling for two threads: two independent one-thread conversions at
# once, each on its own file, share nothing but the hardware. If the pair takes as long
# as one alone, the machine scales 2x; our two-thread speed-up is measured against that.
copy="${pretty%.json}-copy.json"
[ -f "$copy" ] || cp "$pretty" "$copy"
results+=("$(row two-1-thread-runs-at-once "$(( 2 * $(size "$pretty") ))" "$BIN -q --all-statuses --threads 1 -o $DATA/out.csv $pretty & $BIN -q --all-statuses --threads 1 -o $DATA/out2.csv $copy; wait")")
ours=$(printf '%s\n' "${results[@]}" | awk '$1=="ours-csv-pretty"{print $3}')
jobs_json=()
for r in "${results[@]}"; do
  set -- $r
  ratio=$(awk -v a="$3" -v b="$ours" 'BEGIN{printf "%.2f", (a>0? b/a : 0)}')
  printf '%-34s %10s %10s %9s KB %8s\n' "$1" "$2" "$3" "$4" "${ratio}x"
  jobs_json+=("$(printf '{"job": "%s", "seconds": %s, "mb_per_s": %s, "peak_rss_kb": %s, "ratio": %s}' "$1" "$2" "$3" "$4" "$ratio")")
done
speed() { printf '%s\n' "${results[@]}" | awk -v j="$1" '$1==j{print $3}'; }
read -r ours_scaling machine_scaling < <(awk -v one="$(speed ours-csv-1-thread)" -v two="$(speed ours-csv-pretty)" -v pair="$(speed two-1-thread-runs-at-once)" \
  'BEGIN{printf "%.2f %.2f\n", two/one, pair/one}')
echo "scaling, 1 to 2 threads: ours ${ours_scaling}x; the machine (two 1-thread runs at once against one) ${machine_scaling}x"
echo "input: $MB MB from $source ($(size "$pretty") bytes pretty, $(size "$compact") compact); $(nproc) cores; $(date -u +%F)"
if [ -n "$json_out" ]; then
  {
    printf '{\n  "date": "%s",\n  "commit": "%s",\n' "$(date -u +%FT%TZ)" "$(git describe --always --dirty 2>/dev/null || echo unknown)"
    printf '  "input": {"source": "%s", "mb": %s, "pretty_bytes": %s, "compact_bytes": %s, "runs": %s},\n' \
      "$source" "$MB" "$(size "$pretty")" "$(size "$compact")" "$RUNS"
    printf '  "cores": %s,\n' "$(nproc)"
    printf '  "ratio": "our pretty-CSV MB/s divided by the job'"'"'s MB/s",\n'
    printf '  "jobs": [\n'
    for i in "${!jobs_json[@]}"; do
      sep=,; [ "$i" -eq $(( ${#jobs_json[@]} - 1 )) ] && sep=
      printf '    %s%s\n' "${jobs_json[$i]}" "$sep"
    done
    printf '  ],\n  "scaling": {"ours": %s, "machine": %s}\n}\n' "$ours_scaling" "$machine_scaling"
  } > "$json_out"
  jq -e . "$json_out" >/dev/null
  echo "JSON table: $json_out"
fi

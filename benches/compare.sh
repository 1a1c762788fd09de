#!/usr/bin/env bash
# Side-by-side throughput and peak memory: cat, our CSV and JSON reports, our CSV from gzip,
# a gzip-decode-only baseline, and jq extracting 13 fields to CSV.
#
#   benches/compare.sh [MB] [RUNS]      (defaults: 200 MB, 3 runs; the median is reported)
#
# Inputs are generated deterministically under bench-data/ (git-ignored). jq is installed
# from Debian when missing. Timings are wall clock of the whole command, file to file.
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-200}
RUNS=${2:-3}
DATA=bench-data
mkdir -p "$DATA"
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release -q -p inspector-report -p inspector-report-bench --bins
BIN=target/release/inspector-report
GEN=target/release/gen
pretty="$DATA/report-$MB.json"
compact="$DATA/pages-$MB.json"
gz="$DATA/report-$MB.json.gz"
[ -f "$pretty" ] || "$GEN" --mb "$MB" --layout report -o "$pretty"
[ -f "$compact" ] || "$GEN" --mb "$MB" --layout pages -o "$compact"
[ -f "$gz" ] || gzip -c -1 "$pretty" > "$gz"
JQ='.findings[] | [.awsAccountId, .severity, .status, .type, .title, .findingArn, (.firstObservedAt|tostring), (.lastObservedAt|tostring), (.updatedAt|tostring), (.inspectorScore|tostring), (.resources[0].id), (.resources[0].region), (.packageVulnerabilityDetails.vulnerabilityId // "")] | @csv'

# median wall seconds and max RSS (KB) of RUNS runs of a shell command
measure() {
  local cmd=$1 times=() rss=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$DATA/time.txt" bash -c "$cmd" >/dev/null 2>&1
    out=$(tail -n 1 "$DATA/time.txt")
    times+=("${out% *}")
    r=${out#* }; [ "$r" -gt "$rss" ] && rss=$r
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
[ -f "$DATA/report-$MB-copy.json" ] || cp "$pretty" "$DATA/report-$MB-copy.json"
results+=("$(row two-1-thread-runs-at-once "$(( 2 * $(size "$pretty") ))" "$BIN -q --all-statuses --threads 1 -o $DATA/out.csv $pretty & $BIN -q --all-statuses --threads 1 -o $DATA/out2.csv $DATA/report-$MB-copy.json; wait")")
ours=$(printf '%s\n' "${results[@]}" | awk '$1=="ours-csv-pretty"{print $3}')
for r in "${results[@]}"; do
  set -- $r
  ratio=$(awk -v a="$3" -v b="$ours" 'BEGIN{printf "%.2fx", (a>0? b/a : 0)}')
  printf '%-34s %10s %10s %9s KB %8s\n' "$1" "$2" "$3" "$4" "$ratio"
done
speed() { printf '%s\n' "${results[@]}" | awk -v j="$1" '$1==j{print $3}'; }
awk -v one="$(speed ours-csv-1-thread)" -v two="$(speed ours-csv-pretty)" -v pair="$(speed two-1-thread-runs-at-once)" 'BEGIN{
  printf "scaling, 1 to 2 threads: ours %.2fx; the machine (two 1-thread runs at once against one) %.2fx\n", two/one, pair/one }'
echo "input: $MB MB generated ($(size "$pretty") bytes pretty, $(size "$compact") compact); $(nproc) cores; $(date -u +%F)"

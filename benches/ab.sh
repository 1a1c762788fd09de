#!/usr/bin/env bash
# A/B wall clock of two builds on one conversion. The runs alternate (A, B, A, B, ...) so
# that both binaries see the same load, and each run writes a new report (the previous one
# is removed before the clock starts).
#
#   benches/ab.sh [--runs N] BIN_A BIN_B INPUT [OPTION...]
#
# OPTIONs are the conversion's (default `--all-statuses`); `-q` and `-o` are added. Prints
# each binary's median, fastest and slowest run in ms and its median in MB/s of INPUT's
# size, then B's median against A's. Wall clock moves with the machine's load, often by
# more than a change is worth: decide on benches/instructions.sh, and take these figures
# as many alternating runs on a quiet machine (`uptime`), repeated.
#
# Example: the release binary of the commit before a change against the current one
#   benches/ab.sh --runs 11 /tmp/before target/release/inspector-report bench-data/report-200.json -f json
set -euo pipefail
cd "$(dirname "$0")/.."
runs=11
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=${2:?--runs needs a number}; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "benches/ab.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
  shift
done
if [ $# -lt 3 ]; then
  echo "benches/ab.sh: needs BIN_A BIN_B INPUT (see --help)" >&2
  exit 2
fi
a=$1 b=$2 input=$3
shift 3
[ $# -gt 0 ] || set -- --all-statuses
for f in "$a" "$b"; do
  [ -x "$f" ] || { echo "benches/ab.sh: $f is not an executable" >&2; exit 2; }
done
[ -f "$input" ] || { echo "benches/ab.sh: no input file $input" >&2; exit 2; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "benches/ab.sh: --runs needs a positive number" >&2; exit 2; }
mkdir -p bench-data
out=bench-data/ab-out
trap 'rm -f "$out"' EXIT
bytes=$(stat -c %s "$input")
times_a=() times_b=()
run() {
  local t0 t1
  rm -f "$out"
  t0=$(date +%s%N)
  "$1" -q -o "$out" "${@:2}" "$input"
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
for _ in $(seq "$runs"); do
  times_a+=("$(run "$a" "$@")")
  times_b+=("$(run "$b" "$@")")
done
# median, fastest, slowest of the arguments
stats() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)], v[1], v[NR]}'; }
read -r med_a min_a max_a < <(stats "${times_a[@]}")
read -r med_b min_b max_b < <(stats "${times_b[@]}")
mbs() { awk -v b="$bytes" -v ms="$1" 'BEGIN{printf "%.0f", (ms > 0 ? b / 1e3 / ms : 0)}'; }
printf '%-6s %8s %8s %8s %8s  %s\n' "" median fastest slowest "MB/s" binary
printf '%-6s %5s ms %5s ms %5s ms %8s  %s\n' A "$med_a" "$min_a" "$max_a" "$(mbs "$med_a")" "$a"
printf '%-6s %5s ms %5s ms %5s ms %8s  %s\n' B "$med_b" "$min_b" "$max_b" "$(mbs "$med_b")" "$b"
awk -v a="$med_a" -v b="$med_b" -v n="$runs" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
  'BEGIN{printf "B against A: %+.1f%% (medians of %d alternating runs each; load %s)\n", (b - a) * 100 / a, n, l}'

#!/usr/bin/env bash
# Times my-todo against the Python reference design, and Taskwarrior when it
# is installed (--taskwarrior installs it), on generated lists, side by side in
# one run, and prints a markdown table of hyperfine medians, ratios and
# my-todo's peak memory.
#
#   bench/compare.sh [--taskwarrior | --no-taskwarrior] [SIZE...]   sizes default to: 10 100000
#
# Each command that writes the list is timed right after the least a
# crash-safe rewrite of the same file costs (copy+fsync+rename), and shown
# as a multiple of it.
#
# With more than one size, a second table shows how each command's time grew
# from one size to the next, beside the growth of copy+fsync+rename.
#
# my-todo's lists come with a history of as many completed todos as the list
# holds. The Python reference is bench/pytodo.py. hyperfine and GNU time are
# installed from Debian's packages if missing.
#
# Last, my-todo alone on the lists an issue asks about, at each size: each
# list before and after "done all" completes every todo into its history;
# 10 todos beside a history of that many added todos no longer on the list;
# and, once, a history whose last line is a todo with a 40 MiB description.
# Then show and add on a list in a git work tree, beside one outside; and
# completing a todo number.
set -euo pipefail
cd "$(dirname "$0")/.."

taskwarrior=no
command -v task >/dev/null && taskwarrior=yes
case "${1:-}" in
  --taskwarrior) taskwarrior=yes; shift ;;
  --no-taskwarrior) taskwarrior=no; shift ;;
esac
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(10 100000)

missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
[[ -x /usr/bin/time ]] || missing+=(time)
[[ $taskwarrior == no ]] || command -v task >/dev/null || missing+=(taskwarrior)
if [[ ${#missing[@]} -gt 0 ]]; then
  sudo=""; [[ $(id -u) == 0 ]] || sudo=sudo
  # Quiet unless it fails.
  if ! log=$({ $sudo apt-get update -qq &&
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } 2>&1); then
    echo "$log" >&2; echo "could not install ${missing[*]}" >&2; exit 1
  fi
fi

cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/my-todo"
pytodo="$PWD/bench/pytodo.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The history's name beside todo.json, as this my-todo makes it (older ones
# named it todo.history.jsonl): a history by the other name would go unseen,
# and every list would be timed without one.
mkdir "$work/probe"
(cd "$work/probe" && "$bin" add probe >/dev/null)
hist=$(cd "$work/probe" && echo *.history.jsonl)
[[ -e $work/probe/$hist ]] || { echo "my-todo add made no history" >&2; exit 1; }
export HISTORY_NAME=$hist

# median DIR COMMAND [PREPARE [RUNS]]: the median wall time of COMMAND run in
# DIR, in ms; RUNS are hyperfine's options for how many runs.
median() {
  local dir=$1 cmd=$2 prepare=${3:-true} runs=${4:---warmup 2 --min-runs 10}
  # $runs is split into options on purpose.
  # shellcheck disable=SC2086
  if ! (cd "$dir" && hyperfine -N --style none $runs --prepare "$prepare" \
     --export-json "$work/run.json" "$cmd" >"$work/run.log" 2>&1); then
    echo "failed in $dir: $cmd" >&2; cat "$work/run.log" >&2; exit 1
  fi
  python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$work/run.json"
}

# peak DIR COMMAND: my-todo's peak resident memory for COMMAND, in MB.
peak() {
  (cd "$1" && /usr/bin/time -f %M sh -c "$2 >/dev/null 2>&1" 2>&1 >/dev/null | tail -n 1) |
    awk '{ printf "%.1f", $1 / 1024 }'
}

ratio() {
  python3 -c 'import sys
try: a, b = map(float, sys.argv[1:]); print("%.1fx" % (a / b) if b else "-")
except ValueError: print("-")' "$1" "$2"
}

# measure DIR ARGS [PREPARE]: "MEDIAN PEAK" of my-todo ARGS in DIR, in ms and
# MB. A command that writes is given the PREPARE that puts its files back,
# which also runs around the run its peak is taken from. That run comes
# first: past 5 s, three runs make the median, so that a regression these
# cases catch (seconds a run) does not hold the script up for an hour.
measure() {
  local dir=$1 args=$2 prepare=${3:-true} m rss started runs="--warmup 2 --min-runs 10"
  eval "$prepare"
  started=$(date +%s%N)
  rss=$(peak "$dir" "exec $bin $args")
  [[ $(( $(date +%s%N) - started )) -lt 5000000000 ]] || runs="--warmup 0 --runs 3"
  # A command substitution does not inherit set -e: stop on median's exit.
  m=$(median "$dir" "$bin $args" "$prepare" "$runs") || exit 1
  eval "$prepare"
  echo "$m $rss"
}

# restorer DIR SAVED: the PREPARE that copies SAVED/todo.json and its
# history back into DIR, flushed, as a list in use is.
restorer() {
  echo "sh -c 'cp $2/todo.json $2/$hist $1/ && sync $1/todo.json $1/$hist'"
}

# The arguments of a command the sections below time, by its name there.
declare -A args_of=([add]="add 'Bench todo' 'added by the benchmark'")

# timed DIR NAME SAVED: measure the command NAME in DIR; add, which writes,
# has the list and history put back from SAVED before each run.
timed() {
  local restore=true
  [[ $2 != add ]] || restore=$(restorer "$1" "$3")
  measure "$1" "${args_of[$2]:-$2}" "$restore"
}

# kib FILE: its size, in KiB, or in bytes below one.
kib() {
  local bytes; bytes=$(stat -c %s "$1")
  if [[ $bytes -lt 1024 ]]; then echo "$bytes B"; else echo "$((bytes / 1024)) KiB"; fi
}

echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr), $(date -u +%Y-%m-%d)"
echo
declare -A took floors
echo "| todos | file | command | my-todo | Python reference | Python / my-todo | Taskwarrior | copy+fsync+rename | my-todo / floor | my-todo peak RSS |"
echo "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  dir="$work/$n"
  python3 bench/make_lists.py "$n" "$dir"
  mine="$dir/my-todo" py="$dir/pytodo" tw="$dir/task"
  cp "$mine/todo.json" "$dir/mine.orig"
  cp "$mine/$hist" "$dir/history.orig"
  # The same list as a formatter lays it out, as the Python reference writes its own.
  python3 -c 'import json, sys; json.dump(json.load(open(sys.argv[1])), open(sys.argv[2], "w"), indent=2)' \
    "$mine/todo.json" "$mine/formatted.json"
  # Two clones of the list, each with a todo added and one done, for git merge.
  cp "$mine/todo.json" "$mine/base.json"
  for side in ours theirs; do
    cp "$mine/todo.json" "$mine/$side.json"
    "$bin" --file "$mine/$side.json" add "Added on $side" >/dev/null
    "$bin" --file "$mine/$side.json" done "$([[ $side == ours ]] && echo 1 || echo "$n")" >/dev/null
    cp "$mine/$side.json" "$dir/$side.orig"
  done
  cp "$py/todo.json" "$dir/py.orig"
  size=$(stat -c %s "$mine/todo.json")
  middle=$(( n / 2 > 0 ? n / 2 : 1 ))
  # Every number, for done to read on stdin, or as arguments from a shell.
  seq 1 "$n" > "$dir/ids"
  if [[ $taskwarrior == yes ]]; then
    mkdir -p "$tw"
    printf 'data.location=%s\nconfirmation=no\nverbose=nothing\n' "$tw" > "$tw/rc"
    TASKRC="$tw/rc" task import "$dir/tasks.json" >/dev/null 2>&1
    cp -r "$tw" "$dir/task.orig"
  fi
  # Timed from a freshly copied list, as add and done are. Each copy is
  # flushed before the run, as a list in use is: otherwise the first fsync
  # of a run would write out the copy too.
  floor_cmd="sh -c 'cat todo.json > copy.tmp && sync copy.tmp && mv copy.tmp copy.json && sync .'"
  floor_prep="sh -c 'cp $dir/mine.orig $mine/todo.json && sync $mine/todo.json'"
  floors[$n]=$(median "$mine" "$floor_cmd" "$floor_prep")
  restore_mine="sh -c 'cp $dir/mine.orig $mine/todo.json && cp $dir/history.orig $mine/$hist && cp $dir/ours.orig $mine/ours.json && sync $mine/todo.json $mine/$hist $mine/ours.json'"
  restore_py="sh -c 'cp $dir/py.orig $py/todo.json && sync $py/todo.json'"
  # hyperfine runs --prepare without a shell; the working directory stays.
  restore_tw="sh -c 'rm -f $tw/*.data && cp $dir/task.orig/*.data $tw/ && sync $tw/*.data'"
  while IFS='|' read -r name args pyargs twargs writes; do
    # Past a megabyte, the ids no longer fit in one command's arguments (ARG_MAX).
    if [[ $args == *'$('* && $(stat -c %s "$dir/ids") -gt 1000000 ]]; then
      echo "| $n | $((size / 1024)) KiB | $name | - | - | - | - | | | |"
      continue
    fi
    prep_mine=true prep_py=true prep_tw=true
    if [[ $writes == yes ]]; then prep_mine=$restore_mine prep_py=$restore_py prep_tw=$restore_tw; fi
    run_mine="$bin $args" run_py="python3 $pytodo $pyargs"
    # Input from a file needs a shell, for both alike.
    if [[ $args == *'$('* || $args == *'<'* ]]; then
      run_mine="sh -c \"exec $run_mine\"" run_py="sh -c \"exec $run_py\""
    fi
    # A command that writes is timed right after the floor, for the ratio
    # of the two: this machine's speed drifts from minute to minute.
    f=""
    [[ $writes == no ]] || f=$(median "$mine" "$floor_cmd" "$floor_prep")
    m=$(median "$mine" "$run_mine" "$prep_mine")
    p=-
    [[ -z $pyargs ]] || p=$(median "$py" "$run_py" "$prep_py")
    t=-
    if [[ $taskwarrior == yes && -n $twargs ]]; then t="$(TASKRC="$tw/rc" median "$tw" "task $twargs" "$prep_tw") ms"; fi
    eval "$prep_mine"
    rss=$(peak "$mine" "exec $bin $args")
    took[$n $name]=$m
    echo "| $n | $((size / 1024)) KiB | $name | $m ms | $p${pyargs:+ ms} | $(ratio "$p" "$m") | $t | ${f:+$f ms} | ${f:+$(ratio "$m" "$f")} | $rss MB |"
    eval "$restore_mine"
  done <<ROWS
show 5|show 5|show 5|limit:5 list|no
show 5, list laid out by json.dump(indent=2)|--file formatted.json show 5|show 5||no
find|find 'errand $middle:'|find 'errand $middle:'|'/errand $middle:/' list|no
add|add 'Bench todo' 'added by the benchmark'|add 'Bench todo' 'added by the benchmark'|add Bench todo added by the benchmark|yes
done|done $middle|done $middle|$middle done|yes
edit|edit $middle --title 'Edited by the benchmark'||$middle modify Edited by the benchmark|yes
done all|done - < $dir/ids|done - < $dir/ids||yes
done all, as arguments|done \$(cat $dir/ids)|done \$(cat $dir/ids)||yes
git merge of two clones|git merge base.json ours.json theirs.json todo.json|||yes
history 5|history 5|||no
undo the last done|undo|||yes
ROWS
  echo "| $n | | done all / add | $(ratio "${took[$n done all]}" "${took[$n add]}") | | | | | | |"
  echo "| $n | | edit / add | $(ratio "${took[$n edit]}" "${took[$n add]}") | | | | | | |"
  echo "| $n | | git merge / add | $(ratio "${took[$n git merge of two clones]}" "${took[$n add]}") | | | | | | |"
done

if [[ ${#sizes[@]} -gt 1 ]]; then
  echo
  echo "| command | todos | my-todo | growth | copy+fsync+rename growth |"
  echo "|---|---:|---:|---:|---:|"
  for name in "show 5" find add done "done all"; do
    for ((i = 1; i < ${#sizes[@]}; i++)); do
      from=${sizes[i - 1]} to=${sizes[i]}
      echo "| $name | $from -> $to | ${took[$from $name]} -> ${took[$to $name]} ms |" \
        "$(ratio "${took[$to $name]}" "${took[$from $name]}") | $(ratio "${floors[$to]}" "${floors[$from]}") |"
    done
  done
fi

# After "done all": the history's last change then holds every todo the list
# had, and the list holds none; what reads from the history's end, and what
# a writer checks there, must not cost more for it. The peak is set beside
# twice the list file as it was before the done (the file read, and the list
# made of it) and 16 MB for the program itself.
echo
echo "### After done of all"
echo
echo "Each list above, with its history, before and after \`seq 1 N | my-todo done -\` completed every todo." \
  "Here and below, a command that takes over 5 s is timed 3 times."
echo
echo "| todos | list file before the done | history after it | command | before | after | after / before | peak RSS before | peak RSS after | 2 x list file + 16 MB |"
echo "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  dir="$work/$n" edge="$work/$n/after"
  mkdir -p "$edge" "$dir/before" "$dir/after.saved"
  cp "$dir/mine.orig" "$dir/before/todo.json"
  cp "$dir/history.orig" "$dir/before/$hist"
  eval "$(restorer "$edge" "$dir/before")"
  size=$(stat -c %s "$edge/todo.json")
  declare -A before=()
  for name in "show 5" "history 5" add; do
    before[$name]=$(timed "$edge" "$name" "$dir/before")
  done
  (cd "$edge" && "$bin" done - < "$dir/ids" >/dev/null)
  cp "$edge/todo.json" "$edge/$hist" "$dir/after.saved/"
  for name in "show 5" "history 5" add; do
    # Assigned first, for set -e to see a failure.
    result=$(timed "$edge" "$name" "$dir/after.saved")
    read -r m rss <<<"$result"
    read -r bm brss <<<"${before[$name]}"
    echo "| $n | $((size / 1024)) KiB | $(kib "$dir/after.saved/$hist") | $name | $bm ms | $m ms |" \
      "$(ratio "$m" "$bm") | $brss MB | $rss MB | $(awk -v s="$size" 'BEGIN { printf "%.1f", 2 * s / 1048576 + 16 }') MB |"
  done
done

# Histories that end in what the list does not show, read back from their
# end: N todos added and gone since (completed in another clone, and merged
# in), with no completion among them; and a todo completed with a 40 MiB
# description, one line of the history. A writer's files are put back from
# a copy before each run, as the commands above are.
echo
echo "### Long histories"
echo
echo "| history | list file | history file | command | my-todo | peak RSS |"
echo "|---|---:|---:|---|---:|---:|"
for n in "${sizes[@]}"; do
  edge="$work/gone-$n"
  python3 bench/make_lists.py --gone "$n" "$edge.saved"
  mkdir -p "$edge"
  eval "$(restorer "$edge" "$edge.saved")"
  for name in "history 5" add; do
    result=$(timed "$edge" "$name" "$edge.saved")
    read -r m rss <<<"$result"
    echo "| $n added, todos gone | $(kib "$edge.saved/todo.json") | $(kib "$edge.saved/$hist") | $name | $m ms | $rss MB |"
  done
done
edge="$work/long"
python3 bench/make_lists.py --long 40 "$edge"
(cd "$edge" && "$bin" done 1 >/dev/null)
mkdir -p "$edge.saved"
cp "$edge/todo.json" "$edge/$hist" "$edge.saved/"
for name in show "history 1" add; do
  result=$(timed "$edge" "$name" "$edge.saved")
  read -r m rss <<<"$result"
  echo "| a 40 MiB description, done | $(kib "$edge.saved/todo.json") | $(kib "$edge.saved/$hist") | $name | $m ms | $rss MB |"
done

# A list in a git work tree, three folders down: every command first checks
# whether git holds the list unmerged (a few stats of git's state files),
# and a writer keeps its lock and history out of `git status`. Beside it,
# the same list outside any repository, and inside one where git has stopped
# a merge on another file, the one case where my-todo runs git to know.
echo
echo "### In a git work tree"
echo
echo "| todos | command | outside a repository | in a work tree | merge stopped on another file |"
echo "|---:|---|---:|---:|---:|"
for n in "${sizes[@]}"; do
  dir="$work/$n" outside="$work/$n/outside" repo="$work/$n/repo"
  mkdir -p "$outside" "$repo/a/b/c" "$dir/tree.saved"
  cp "$dir/mine.orig" "$dir/tree.saved/todo.json"
  cp "$dir/history.orig" "$dir/tree.saved/$hist"
  git -C "$repo" init -q
  for name in "show 5" add; do
    cp "$dir/tree.saved/todo.json" "$dir/tree.saved/$hist" "$outside/"
    cp "$dir/tree.saved/todo.json" "$dir/tree.saved/$hist" "$repo/a/b/c/"
    # Assigned first, for set -e to see a failure.
    result=$(timed "$outside" "$name" "$dir/tree.saved")
    read -r o _ <<<"$result"
    result=$(timed "$repo/a/b/c" "$name" "$dir/tree.saved")
    read -r t _ <<<"$result"
    touch "$repo/.git/MERGE_HEAD"
    result=$(timed "$repo/a/b/c" "$name" "$dir/tree.saved")
    read -r s _ <<<"$result"
    rm "$repo/.git/MERGE_HEAD"
    echo "| $n | $name | $o ms | $t ms | $s ms |"
  done
done

# Completing a todo number, as the shell's script asks for it: every number
# at once (nothing typed yet) and those beginning with one digit.
echo
echo "### Completion"
echo
echo "| todos | completing | my-todo |"
echo "|---:|---|---:|"
for n in "${sizes[@]}"; do
  dir="$work/$n/completing"
  mkdir -p "$dir"
  cp "$work/$n/mine.orig" "$dir/todo.json"
  for typed in "''" 5; do
    m=$(median "$dir" "env MY_TODO_COMPLETE=fish $bin -- my-todo done $typed")
    echo "| $n | \`done $typed\` | $m ms |"
  done
done

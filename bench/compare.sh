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
bin="$PWD/target/release/my-todo"
pytodo="$PWD/bench/pytodo.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# median DIR COMMAND [PREPARE]: the median wall time of COMMAND run in DIR, in ms.
median() {
  local dir=$1 cmd=$2 prepare=${3:-true}
  if ! (cd "$dir" && hyperfine -N --style none --warmup 2 --min-runs 10 --prepare "$prepare" \
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
  cp "$mine/todo.history.jsonl" "$dir/history.orig"
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
  restore_mine="sh -c 'cp $dir/mine.orig $mine/todo.json && cp $dir/history.orig $mine/todo.history.jsonl && cp $dir/ours.orig $mine/ours.json && sync $mine/todo.json $mine/todo.history.jsonl $mine/ours.json'"
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
done all|done - < $dir/ids|done - < $dir/ids||yes
done all, as arguments|done \$(cat $dir/ids)|done \$(cat $dir/ids)||yes
git merge of two clones|git merge base.json ours.json theirs.json todo.json|||yes
history 5|history 5|||no
undo the last done|undo|||yes
ROWS
  echo "| $n | | done all / add | $(ratio "${took[$n done all]}" "${took[$n add]}") | | | | | | |"
  echo "| $n | | git merge / add | $(ratio "${took[$n git merge of two clones]}" "${took[$n add]}") | | | | | | |"
done

[[ ${#sizes[@]} -gt 1 ]] || exit 0
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

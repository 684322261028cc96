#!/usr/bin/env python3
"""Writes a list of N todos in my-todo's format and in the Python reference's.

Usage: make_lists.py N DIR  ->  DIR/my-todo/todo.json, DIR/pytodo/todo.json, DIR/tasks.json,
and DIR/my-todo/todo.json.history.jsonl: N more todos (numbers N+1 to 2N), completed one at a time.

Two more lists, for my-todo alone, each in DIR/todo.json and DIR/todo.json.history.jsonl:

  make_lists.py --gone N DIR  ->  10 todos (numbers N+1 to N+10), and a history of N lines
      that each added a todo (numbers 1 to N) no longer on the list, and none completed:
      as after another clone completed them and git merged its list in.
  make_lists.py --long MIB DIR  ->  one todo whose description is MIB MiB, and no history yet.

HISTORY_NAME=todo.history.jsonl names the history as my-todo did before a list's
history was named from the list's whole name.
"""
import json, os, sys

history = os.environ.get("HISTORY_NAME", "todo.json.history.jsonl")

mode = sys.argv.pop(1) if len(sys.argv) > 1 and sys.argv[1].startswith("--") else None
n, out = int(sys.argv[1]), sys.argv[2]
words = "milk bread rent plumber passport dentist plants laptop library card bike trip".split()
created = 1795000000  # 2026-11-18, one todo a minute before that

def title(i): return f"{words[i % len(words)].capitalize()} errand {i}"
def description(i): return f"details for errand {i}: call, then {words[(i * 7) % len(words)]}"
def stamp(i): return created - (n - i) * 60

def ulid(i):
    # Time part from the creation time, random part from the id: unique and valid.
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    value = (stamp(i) * 1000) << 80 | i
    return "".join(alphabet[(value >> (5 * k)) & 31] for k in reversed(range(26)))

def rfc3339(t):
    import datetime
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

def make_todo(i, description):
    return {"id": i, "ulid": ulid(i), "title": title(i), "description": description,
            "created_at": rfc3339(stamp(i))}

def write_list(todos, next_id):
    with open(f"{out}/todo.json", "w", encoding="utf-8") as f:
        f.write('{\n  "version": 1,\n  "next_id": %d,\n  "todos": [' % next_id)
        f.write("".join(("\n    " if k == 0 else ",\n    ") + json.dumps(t, ensure_ascii=False)
                        for k, t in enumerate(todos)))
        f.write("\n  ]\n}\n" if todos else "]\n}\n")

if mode == "--gone":
    os.makedirs(out, exist_ok=True)
    write_list([make_todo(i, description(i)) for i in range(n + 1, n + 11)], n + 11)
    with open(f"{out}/{history}", "w", encoding="utf-8") as f:
        f.write('{"version": 1, "history": "todos"}\n')
        # The ULIDs of numbers 1 to N: valid, and none of them on the list.
        f.writelines('{"change": %d, "added": {"id": %d, "ulid": "%s"}}\n' % (k, k, ulid(k))
                     for k in range(1, n + 1))
    sys.exit()
if mode == "--long":
    # As a pasted log: the same line again and again, each ending in a line
    # break, which the file holds escaped.
    os.makedirs(out, exist_ok=True)
    size, line = n << 20, description(1) + "\n"
    write_list([make_todo(1, (line * (size // len(line) + 1))[:size])], 2)
    sys.exit()
if mode is not None:
    sys.exit(f"make_lists.py: unknown option {mode}")

os.makedirs(f"{out}/pytodo", exist_ok=True)
out, lists = f"{out}/my-todo", out
os.makedirs(out, exist_ok=True)
write_list([make_todo(i, description(i)) for i in range(1, n + 1)], 2 * n + 1)
with open(f"{out}/{history}", "w", encoding="utf-8") as f:
    f.write('{"version": 1, "history": "todos"}\n')
    for k, i in enumerate(range(n + 1, 2 * n + 1), start=1):
        f.write('{"change": %d, "completed_at": "%s", "todo": %s}\n'
                % (k, rfc3339(stamp(i) + 30), json.dumps(make_todo(i, description(i)), ensure_ascii=False)))
out = lists
with open(f"{out}/pytodo/todo.json", "w", encoding="utf-8") as f:
    todos = [{"id": i, "title": title(i), "description": description(i), "created": stamp(i)}
             for i in range(1, n + 1)]
    json.dump({"next_id": n + 1, "todos": todos}, f, ensure_ascii=False, indent=2)
with open(f"{out}/tasks.json", "w", encoding="utf-8") as f:
    for i in range(1, n + 1):
        f.write(json.dumps({"description": f"{title(i)} {description(i)}", "status": "pending",
                            "entry": rfc3339(stamp(i)).replace("-", "").replace(":", "")}) + "\n")

#!/usr/bin/env python3
"""Writes a list of N todos in my-todo's format and in the Python reference's.

Usage: make_lists.py N DIR  ->  DIR/my-todo/todo.json, DIR/pytodo/todo.json, DIR/tasks.json,
and DIR/my-todo/todo.history.jsonl: N more todos (numbers N+1 to 2N), completed one at a time.
"""
import json, os, sys

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

os.makedirs(f"{out}/my-todo", exist_ok=True)
os.makedirs(f"{out}/pytodo", exist_ok=True)
with open(f"{out}/my-todo/todo.json", "w", encoding="utf-8") as f:
    f.write('{\n  "version": 1,\n  "next_id": %d,\n  "todos": [' % (2 * n + 1))
    for i in range(1, n + 1):
        todo = {"id": i, "ulid": ulid(i), "title": title(i), "description": description(i),
                "created_at": rfc3339(stamp(i))}
        f.write(("\n    " if i == 1 else ",\n    ") + json.dumps(todo, ensure_ascii=False))
    f.write("\n  ]\n}\n" if n else "]\n}\n")
with open(f"{out}/my-todo/todo.history.jsonl", "w", encoding="utf-8") as f:
    f.write('{"version": 1, "history": "todos"}\n')
    for k, i in enumerate(range(n + 1, 2 * n + 1), start=1):
        todo = {"id": i, "ulid": ulid(i), "title": title(i), "description": description(i),
                "created_at": rfc3339(stamp(i))}
        f.write('{"change": %d, "completed_at": "%s", "todo": %s}\n'
                % (k, rfc3339(stamp(i) + 30), json.dumps(todo, ensure_ascii=False)))
with open(f"{out}/pytodo/todo.json", "w", encoding="utf-8") as f:
    todos = [{"id": i, "title": title(i), "description": description(i), "created": stamp(i)}
             for i in range(1, n + 1)]
    json.dump({"next_id": n + 1, "todos": todos}, f, ensure_ascii=False, indent=2)
with open(f"{out}/tasks.json", "w", encoding="utf-8") as f:
    for i in range(1, n + 1):
        f.write(json.dumps({"description": f"{title(i)} {description(i)}", "status": "pending",
                            "entry": rfc3339(stamp(i)).replace("-", "").replace(":", "")}) + "\n")

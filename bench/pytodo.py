#!/usr/bin/env python3
"""The reference design the benchmark times my-todo against: the same four
commands, written plainly in Python with argparse and json.

The list is ./todo.json, {"next_id": N, "todos": [{"id", "title",
"description", "created"}]}. Every command loads the whole file with
json.load; add and done write it whole with json.dump(indent=2) to a
temporary file that os.replace moves over the list. There is no lock.

    pytodo.py add TITLE [DESCRIPTION] | show [N] | done ID... | find TEXT

`done -` reads the ids from stdin, as my-todo does.
"""
import argparse
import json
import os
import sys
import tempfile
import time

PATH = "todo.json"


def load():
    try:
        with open(PATH, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return {"next_id": 1, "todos": []}


def save(data):
    fd, temp = tempfile.mkstemp(dir=".", prefix=".todo.json.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
    os.replace(temp, PATH)


def print_table(todos):
    print("ID\tTITLE\tDESCRIPTION")
    for todo in todos:
        print(f"{todo['id']}\t{todo['title']}\t{todo['description']}")


def main():
    parser = argparse.ArgumentParser(prog="pytodo.py", description="A todo list in todo.json.")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="add a todo")
    add.add_argument("title")
    add.add_argument("description", nargs="?", default="")
    show = commands.add_parser("show", help="the newest todos, newest first")
    show.add_argument("count", nargs="?", type=int, default=10)
    done = commands.add_parser("done", help="complete and remove todos")
    done.add_argument("ids", nargs="+")
    find = commands.add_parser("find", help="todos whose title or description has TEXT")
    find.add_argument("text")
    args = parser.parse_args()

    data = load()
    todos = data["todos"]
    if args.command == "add":
        todo = {"id": data["next_id"], "title": args.title, "description": args.description,
                "created": int(time.time())}
        todos.append(todo)
        data["next_id"] += 1
        save(data)
        print(f"Added #{todo['id']}: {todo['title']}")
    elif args.command == "show":
        print_table(list(reversed(todos[-args.count:])) if args.count > 0 else [])
    elif args.command == "done":
        words = [w for i in args.ids for w in (sys.stdin.read().split() if i == "-" else [i])]
        wanted = set(map(int, words))
        unknown = wanted - {todo["id"] for todo in todos}
        if unknown:
            sys.exit(f"no todo with id {', '.join(map(str, sorted(unknown)))}")
        data["todos"] = [todo for todo in todos if todo["id"] not in wanted]
        save(data)
        for todo in todos:
            if todo["id"] in wanted:
                print(f"Done #{todo['id']}: {todo['title']}")
    elif args.command == "find":
        text = args.text.lower()
        found = [todo for todo in reversed(todos)
                 if text in todo["title"].lower() or text in todo["description"].lower()]
        print_table(found)
        if not found:
            sys.exit(1)


if __name__ == "__main__":
    main()

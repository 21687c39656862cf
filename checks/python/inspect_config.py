"""Describe a Python config module without running it.

Reads the source from the file named by the first argument, or from standard
input when it is "-", and prints one JSON object: the module-level string
assignments, every string constant, the names of called functions and
methods, and whether a try statement catches ClientError. A file that does
not parse is reported in "syntax_error" instead.
"""

import ast
import json
import sys


def called_name(node):
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def handler_names(handler):
    kinds = handler.type
    if kinds is None:
        return []
    if isinstance(kinds, ast.Tuple):
        kinds = kinds.elts
    else:
        kinds = [kinds]
    names = []
    for kind in kinds:
        if isinstance(kind, ast.Attribute):
            names.append(kind.attr)
        elif isinstance(kind, ast.Name):
            names.append(kind.id)
    return names


def describe(source):
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        return {"syntax_error": "line %s: %s" % (err.lineno, err.msg)}

    literals = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    literals[target.id] = node.value.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                literals[node.target.id] = node.value.value

    assigned = sorted({
        target.id
        for node in tree.body if isinstance(node, ast.Assign)
        for target in node.targets if isinstance(target, ast.Name)
    } | {
        node.target.id for node in tree.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    })

    strings, calls, caught = [], set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings.append(node.value)
        elif isinstance(node, ast.Call):
            calls.add(called_name(node))
        elif isinstance(node, ast.ExceptHandler):
            caught.update(handler_names(node))

    return {
        "syntax_error": None,
        "literals": literals,
        "assigned": assigned,
        "strings": strings,
        "calls": sorted(c for c in calls if c),
        "caught": sorted(caught),
    }


def main():
    if sys.argv[1] == "-":
        source = sys.stdin.read()
    else:
        with open(sys.argv[1], encoding="utf-8") as f:
            source = f.read()
    json.dump(describe(source), sys.stdout)


if __name__ == "__main__":
    main()

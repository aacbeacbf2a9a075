#!/usr/bin/env python3
"""Declare offset/limit paging on SecMaster operations with the vendor extension `x-pagination`.

Usage (paths relative to the current directory):

    python3 tools/sdk_import/mark_pagination.py [--spec FILE] [--check]

The default spec is `spec/secmaster.yaml` of this repository. `--check` changes nothing and
exits 1 when the file is not up to date. Needs python3 and PyYAML (read only: the spec is
edited as text, so its formatting stays as it is and a diff shows only the added blocks).

For every operation the script decides (`decide`, also used by `import_sdk.py`) whether it
pages with an offset counted in items and a page size, and writes right after the operation's
`operationId:` line

    x-pagination:
      offset: offset    # query parameter, or property of the JSON request body schema
      limit: limit      # in the same place as the offset
      items: data       # the array property of the 200 JSON response body with the items
      total: total      # optional: integer property with the total number of items

Running it again changes nothing: a block it would write differently is replaced, and a block
on an operation it would not mark is kept (and reported). The rules, in order:

1. Candidates: operations with a query parameter or top-level JSON request body property named
   in OFFSET_NAMES. The limit (LIMIT_NAMES) must sit in the same place, and both must be
   integers (`$ref`s into `components` are followed).
2. The offset must count items: its description must name an item offset (偏移, 起始位置,
   "offset", "start position"...) and must not name a page (第几页, 页码, "page number"...).
   A bare "分页" (paging) is too vague and skips the operation. A limit described as a page
   number (页码) also skips it, as contradictory.
3. The 200 response's JSON body (`$ref` followed) must be an object with exactly one array
   property: that is `items`. None, or several, skips the operation.
4. `total`: the first of TOTAL_NAMES that is an integer property described as a total
   (总 / "total"). A `count` described otherwise ("查询结果的条数", "组件配置数量") or a `number`
   total is left out: the generated client then stops at a short or empty page.

Hand decisions go in OVERRIDES (operationId -> the block to write, or None to skip, with the
reason); an override block is still checked against the operation (names must resolve).
"""

import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SPEC = HERE.parent.parent / "spec" / "secmaster.yaml"

EXTENSION = "x-pagination"
OFFSET_NAMES = ("offset",)
LIMIT_NAMES = ("limit",)
TOTAL_NAMES = ("total", "total_count", "count")

# Offset descriptions: which unit the offset counts.
# ("页数" is a page count, but "每页数量"/"分页数量" are page sizes.)
PAGE_MARKERS = re.compile(r"第几页|页码|(?<![每分单])页数(?!量)|第\s*\d*\s*页|page\s*(number|index|no)"
                          r"|which page", re.I)
ITEM_MARKERS = re.compile(r"偏移|起始位置|开始位置|跳过|offset|start(ing)?\s+position|skip", re.I)
# Total descriptions.
TOTAL_MARKERS = re.compile(r"总|total", re.I)

# Hand decisions, checked before the rules: operationId -> (block or None, reason).
OVERRIDES = {
    # The request body's `limit` is described as "当前页码" (current page number), evidently
    # copied from the response's `page`; the offset is an item offset (偏移量, 0-10000) and
    # the envelope is the SOC search one (size/page/total/data) like ListAlerts.
    "ShowMapperList": (
        {"offset": "offset", "limit": "limit", "items": "data", "total": "total"},
        "limit described as 当前页码 (copy error); offset is an item offset (偏移量 0-10000)"),
    "ShowPreProcessRulesList": (
        {"offset": "offset", "limit": "limit", "items": "data", "total": "total"},
        "limit described as 当前页码 (copy error); offset is an item offset (偏移量 0-10000)"),
    "ShowMappingInfoList": (
        {"offset": "offset", "limit": "limit", "items": "data", "total": "total"},
        "limit described as 当前页码 (copy error); offset is an item offset (偏移量 0-10000)"),
    # Offset described only as "分页" (paging), in the SDK and in the API reference alike.
    "ListLayout": (None, "offset described only as 分页: item offset or page number unknown"),
    "ListLayoutWizards": (None, "offset described only as 分页: item offset or page number unknown"),
    "ListModules": (None, "offset described only as 分页, and the response echoes it as 页码 "
                          "(page number)"),
    # Paging applies only to the SMN topic list returned with smn=true; the response holds
    # two lists (resources, subscriptions) whose presence depends on the query.
    "ListSubscriptionOrder": (None, "offset pages only the smn=true subscription list; two "
                                    "arrays (resources, subscriptions) and no total"),
    # limit counts raw log lines, but the body returns statistics rows (datarows) with their
    # column types (schema); a non-idempotent Create* operation.
    "CreateSearchAnalysis": (None, "limit counts raw logs but the body holds analysis rows "
                                   "(datarows) and their columns (schema): two arrays"),
}


# --------------------------------------------------------------------------------------
# Decision (plain dicts in, plain dicts out: works on PyYAML and ruamel.yaml data alike).

class Skip(Exception):
    pass


def resolve(root, node, seen=None):
    """Follows `$ref`s (local JSON pointers) until a node without one."""
    seen = set() if seen is None else seen
    while isinstance(node, dict) and "$ref" in node:
        ref = str(node["$ref"])
        if not ref.startswith("#/") or ref in seen:
            raise Skip("unresolvable $ref %s" % ref)
        seen.add(ref)
        target = root
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or part not in target:
                raise Skip("dangling $ref %s" % ref)
            target = target[part]
        node = target
    return node


def text(node):
    return str((node or {}).get("description") or "") if isinstance(node, dict) else ""


def query_params(root, op, path_item):
    """name -> parameter of the operation's query parameters (path-level ones included)."""
    out = {}
    for source in ((path_item or {}).get("parameters") or [], op.get("parameters") or []):
        for param in source:
            param = resolve(root, param)
            if isinstance(param, dict) and param.get("in") == "query":
                out[str(param.get("name"))] = param
    return out


def json_schema(root, content):
    """Resolved schema of the first JSON media type of a `content` map, or None."""
    for media, obj in (content or {}).items():
        essence = str(media).split(";")[0].strip().lower()
        if essence == "application/json" or essence.endswith("+json"):
            return resolve(root, (obj or {}).get("schema"))
    return None


def body_properties(root, op):
    body = resolve(root, op.get("requestBody"))
    if not isinstance(body, dict):
        return {}
    schema = json_schema(root, body.get("content"))
    if not isinstance(schema, dict) or schema.get("type", "object") != "object":
        return {}
    return {str(k): v for k, v in (schema.get("properties") or {}).items()}


def success_body(root, op):
    responses = op.get("responses") or {}
    response = None
    for key, value in responses.items():
        if str(key) == "200":
            response = resolve(root, value)
    if not isinstance(response, dict):
        raise Skip("no 200 response")
    schema = json_schema(root, response.get("content"))
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        raise Skip("the 200 response has no JSON object body")
    return {str(k): v for k, v in schema["properties"].items()}


def type_of(root, schema):
    schema = resolve(root, schema)
    return schema.get("type") if isinstance(schema, dict) else None


def describe(root, schema_or_param):
    """Description of a property or parameter (own text first, then the referenced one)."""
    own = text(schema_or_param)
    if own:
        return own
    return text(resolve(root, schema_or_param))


def locate_paging(root, op, path_item):
    """-> (place, offset name, offset node, limit name, limit node); raises Skip;
    returns None when the operation has no offset at all (not a candidate)."""
    query = query_params(root, op, path_item)
    body = body_properties(root, op)
    for place, names in (("query", query), ("body", body)):
        offset = next((n for n in OFFSET_NAMES if n in names), None)
        if offset is None:
            continue
        limit = next((n for n in LIMIT_NAMES if n in names), None)
        if limit is None:
            raise Skip("%s offset `%s` without a %s limit" % (place, offset, place))
        return place, offset, names[offset], limit, names[limit]
    return None


def paging_type(root, place, node):
    schema = node.get("schema") if place == "query" else node
    return type_of(root, schema)


def check_block(root, op, path_item, block):
    """Raises Skip unless every name of `block` resolves as the generator expects."""
    query = query_params(root, op, path_item)
    body = body_properties(root, op)
    if block["offset"] in query:
        place, names = "query", query
    elif block["offset"] in body:
        place, names = "body", body
    else:
        raise Skip("offset `%s` is neither a query parameter nor a body property"
                   % block["offset"])
    for key in ("offset", "limit"):
        if block[key] not in names:
            raise Skip("%s `%s` is not a %s %s like the offset"
                       % (key, block[key], place, "parameter" if place == "query" else "property"))
        if paging_type(root, place, names[block[key]]) != "integer":
            raise Skip("%s `%s` is not an integer" % (key, block[key]))
    props = success_body(root, op)
    if type_of(root, props.get(block["items"])) != "array":
        raise Skip("items `%s` is not an array property of the 200 body" % block["items"])
    if "total" in block and type_of(root, props.get(block["total"])) != "integer":
        raise Skip("total `%s` is not an integer property of the 200 body" % block["total"])
    return place


def decide(op, root, path_item=None):
    """Paging decision for one operation object.

    `root` is the whole spec (for `$ref`s), `path_item` the operation's path item (for
    path-level parameters). Returns (block, notes) with `block` the ordered dict to write as
    `x-pagination` and `notes` a list of remarks; (None, reason) when a candidate is skipped;
    (None, None) when the operation has no offset at all.
    """
    op_id = str(op.get("operationId") or "")
    try:
        if op_id in OVERRIDES:
            block, why = OVERRIDES[op_id]
            if block is None:
                if locate_paging(root, op, path_item) is None:
                    return None, None
                return None, "override: " + why
            check_block(root, op, path_item, block)
            return dict(block), ["override: " + why]
        found = locate_paging(root, op, path_item)
        if found is None:
            return None, None
        place, offset, offset_node, limit, limit_node = found
        for name, node in ((offset, offset_node), (limit, limit_node)):
            kind = paging_type(root, place, node)
            if kind != "integer":
                raise Skip("%s `%s` is %s, not an integer" % (place, name, kind or "untyped"))
        offset_doc = describe(root, offset_node)
        limit_doc = describe(root, limit_node)
        if PAGE_MARKERS.search(offset_doc):
            raise Skip("offset is a page number (%s)" % short(offset_doc))
        if not ITEM_MARKERS.search(offset_doc):
            raise Skip("offset unit unclear (%s)" % short(offset_doc))
        if PAGE_MARKERS.search(limit_doc):
            raise Skip("limit described as a page number (%s)" % short(limit_doc))
        props = success_body(root, op)
        arrays = [k for k, v in props.items() if type_of(root, v) == "array"]
        if not arrays:
            raise Skip("no array property in the 200 body (%s)" % (", ".join(props) or "-"))
        if len(arrays) > 1:
            raise Skip("several arrays in the 200 body: %s" % ", ".join(arrays))
        block = {"offset": offset, "limit": limit, "items": arrays[0]}
        notes = []
        for name in TOTAL_NAMES:
            if name not in props:
                continue
            kind = type_of(root, props[name])
            doc = describe(root, props[name])
            if kind != "integer":
                notes.append("total omitted: `%s` is %s (%s)" % (name, kind, short(doc)))
            elif not TOTAL_MARKERS.search(doc):
                notes.append("total omitted: `%s` not described as a total (%s)"
                             % (name, short(doc)))
            else:
                block["total"] = name
                break
        return block, notes
    except Skip as skip:
        return None, str(skip)


def short(doc, width=40):
    doc = re.sub(r"\*\*[^*]*\*\*\s*[:：]?|\s+", " ", doc)
    doc = re.sub(r"\s+", " ", doc).strip()
    return doc if len(doc) <= width else doc[:width] + "…"


# --------------------------------------------------------------------------------------
# Text edit.

PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def scalar(name):
    import json
    if PLAIN.match(name) and name.lower() not in YAML_WORDS:
        return name
    return json.dumps(name, ensure_ascii=False)


def render(block, indent):
    lines = [indent + EXTENSION + ":"]
    for key in ("offset", "limit", "items", "total"):
        if key in block:
            lines.append("%s  %s: %s" % (indent, key, scalar(block[key])))
    return lines


OPERATION_ID = re.compile(r"^(\s*)operationId:\s*(['\"]?)([^'\"#\s]+)\2\s*(#.*)?$")


def indent_of(line):
    return len(line) - len(line.lstrip(" "))


def edit(text_in, decisions):
    """Writes the blocks of `decisions` (operationId -> block) after the `operationId:` lines.
    Returns (new text, {operationId: existing block text or None} for operations that had one)."""
    lines = text_in.split("\n")
    out = []
    existing = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        match = OPERATION_ID.match(line)
        if not match:
            out.append(line)
            i += 1
            continue
        indent, op_id = match.group(1), match.group(3)
        # The operation's keys sit at `indent`; find its end and any x-pagination block.
        # The operationId is usually the first key; keys before it are kept where they are.
        end = i + 1
        while end < len(lines):
            nxt = lines[end]
            if nxt.strip() and not nxt.lstrip().startswith("#") and indent_of(nxt) < len(indent):
                break
            end += 1
        body = lines[i + 1:end]
        start = None
        for j, other in enumerate(body):
            if indent_of(other) == len(indent) and re.match(r"\s*x-pagination\s*:", other):
                start = j
                break
        old = None
        if start is not None and op_id in decisions:
            stop = start + 1
            while stop < len(body) and (not body[stop].strip()
                                        or indent_of(body[stop]) > len(indent)):
                stop += 1
            old = body[start:stop]
            # Trailing blank lines belong to what follows.
            while old and not old[-1].strip():
                old.pop()
                stop -= 1
            del body[start:stop]
        if start is not None:
            existing[op_id] = "\n".join(old) if old is not None else None
        out.append(line)
        if op_id in decisions:
            out.extend(render(decisions[op_id], indent))
        out.extend(body)
        i = end
    return "\n".join(out), existing


# --------------------------------------------------------------------------------------

def operations(spec):
    for path, item in (spec.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method, op in item.items():
            if isinstance(op, dict) and "operationId" in op:
                yield path, method, item, op


def run(spec_path, check=False):
    import yaml
    original = spec_path.read_text(encoding="utf-8")
    spec = yaml.safe_load(original)
    decisions, notes, places, skipped = {}, {}, {}, {}
    count = 0
    for path, method, item, op in operations(spec):
        count += 1
        block, info = decide(op, spec, item)
        op_id = str(op["operationId"])
        if block is not None:
            decisions[op_id] = block
            notes[op_id] = info
            places[op_id] = check_block(spec, op, item, block)
        elif info is not None:
            skipped[op_id] = info
    new_text, existing = edit(original, decisions)

    print("%s: %d operations" % (spec_path, count))
    kinds = {}
    for op_id, block in decisions.items():
        place = places[op_id]
        kinds.setdefault((place, "total" in block), []).append(op_id)
        extra = "".join("\n    note: " + n for n in notes[op_id])
        print("marked  %-36s %s offset=%s limit=%s items=%s%s%s" % (
            op_id, place, block["offset"], block["limit"], block["items"],
            " total=" + block["total"] if "total" in block else "", extra))
    for op_id, why in skipped.items():
        print("skipped %-36s %s" % (op_id, why))
    for op_id in existing:
        if op_id not in decisions:
            print("kept    %-36s existing x-pagination left as written (the rules would "
                  "skip: %s)" % (op_id, skipped.get(op_id, "not a candidate")))
    print("marked %d (%s); skipped %d candidates" % (
        len(decisions), ", ".join("%s offset %s total: %d" % (p, "with" if t else "without",
                                                              len(v))
                                  for (p, t), v in sorted(kinds.items())), len(skipped)))
    if new_text == original:
        print("%s unchanged" % spec_path)
        return 0
    if check:
        print("%s is not up to date" % spec_path)
        return 1
    spec_path.write_text(new_text, encoding="utf-8")
    print("wrote %s" % spec_path)
    return 0


def main(argv):
    parser = argparse.ArgumentParser(
        prog="mark_pagination.py",
        description="Add x-pagination to the SecMaster operations that page by offset/limit.")
    parser.add_argument("--spec", default=str(DEFAULT_SPEC),
                        help="spec file to edit in place (default: spec/secmaster.yaml)")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 when the spec is not up to date")
    args = parser.parse_args(argv)
    return run(Path(args.spec), check=args.check)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

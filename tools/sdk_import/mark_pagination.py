#!/usr/bin/env python3
"""Declare paging on the operations of a spec with the vendor extension `x-pagination`.

Usage (paths relative to the current directory):

    python3 tools/sdk_import/mark_pagination.py [--spec FILE] [--check] [--all-styles]

The default spec is `spec/secmaster.yaml` of this repository. `--check` changes nothing and
exits 1 when the file is not up to date. Needs python3 and PyYAML (read only: the spec is
edited as text, so its formatting stays as it is and a diff shows only the added blocks).

For every operation the script decides (`decide`, also used by `import_sdk.py`) whether it
pages, and writes right after the operation's `operationId:` line, by default (the styles the
generator reads today) only item offsets with a page size:

    x-pagination:
      offset: offset    # query parameter, or property of the JSON request body schema
      limit: limit      # in the same place as the offset
      items: data       # the array property of the 200 JSON response body with the items
      total: total      # optional: integer property with the total number of items

With `--all-styles` (what import_sdk.py writes for services other than SecMaster) it also
marks page numbers (`page`, `first`), markers (`marker` with `next`, `next_path` or
`next_item`) and items or totals inside an object of the body (`items_path`, `total_path`);
see tools/sdk_import/README.md. Operations under `x-variants` are not visited (the importer
marks them when it adds them).

Running it again changes nothing: a block it would write differently is replaced, and a block
on an operation it would not mark is kept (and reported). The offset rules, in order:

1. Candidates: operations with a query parameter or top-level JSON request body property named
   in OFFSET_NAMES. The limit (LIMIT_NAMES) must sit in the same place, and both must be
   integers (`$ref`s into `components` are followed).
2. The offset must count items: its description must name an item offset (偏移, 起始位置,
   "offset", "start position"...) and must not name a page (第几页, 页码, "page number"...).
   A bare "分页" (paging) is too vague and skips the operation. A limit described as a page
   number (页码) also skips it, as contradictory.
3. The 200 response's JSON body (`$ref` followed) must be an object with exactly one array
   property: that is `items`. None, or several, skips the operation. (--all-styles: arrays
   named `links`/`*_links` are page links, not items; a body without any array may hold the
   items in its one object property with exactly one array: `items_path: result.job_list`.)
4. `total`: the first of TOTAL_NAMES (--all-styles: TOTAL_NAMES_EXTENDED, looked up beside
   the items) that is an integer property described as a total (总 / "total"). A `count`
   described otherwise ("查询结果的条数", "组件配置数量") or a `number` total is left out: the
   generated client then stops at a short or empty page.

--all-styles tries, in order: that offset rule; a `marker` (string) whose next value the 200
body hands back (`next_marker` at the top, `next`, or in one object property, `next_path`);
a page number (PAGE_NAMES, or an `offset` described as a page number) with a page size
(PAGE_SIZE_NAMES) in the same place, `first` being 1 or 0 when the description says which
(从1开始, 大于等于0, 取值范围 1-…, 默认值 1…); a `marker` described as the ID of the previous
page's last item (最后一条 / 下一条 / 起始的资源 … ID) over items with a string `id`
(`next_item: id`). The first that fits is written; when none does, the reasons are reported.

Hand decisions go in OVERRIDES (operationId -> the block to write, or None to skip, with the
reason), applied to the spec whose `info.title` is OVERRIDES_TITLE (SecMaster); an override
block is still checked against the operation (names must resolve).
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
# The names the other styles (--all-styles) also take.
TOTAL_NAMES_EXTENDED = TOTAL_NAMES + ("total_num", "total_number", "total_size", "totalCount",
                                      "total_record", "total_records")
PAGE_NAMES = ("page", "page_no", "page_num", "page_number", "page_index", "pageNo", "pageNum",
              "pageNumber", "pageIndex", "cur_page", "current_page")
PAGE_SIZE_NAMES = ("page_size", "per_page", "limit", "pageSize", "size", "page_limit")
MARKER_NAMES = ("marker",)
NEXT_NAMES = ("next_marker", "nextMarker")
# Key order of a written block.
KEY_ORDER = ("offset", "page", "first", "marker", "limit", "items", "items_path", "total",
             "total_path", "next", "next_path", "next_item")

# Offset descriptions: which unit the offset counts.
# ("页数" is a page count, but "每页数量"/"分页数量" are page sizes.)
PAGE_MARKERS = re.compile(r"第几页|页码|(?<![每分单])页数(?!量)|第\s*\d*\s*页|page\s*(number|index|no)"
                          r"|which page", re.I)
ITEM_MARKERS = re.compile(r"偏移|起始位置|开始位置|跳过|offset|start(ing)?\s+position|skip", re.I)
# Total descriptions.
TOTAL_MARKERS = re.compile(r"总|total", re.I)
# Page number descriptions: the number of the first page.
RANGE_OR_DEFAULT = r"(取值范围|默认(取)?值)\s*[为是:：]?\s*(\*\*)?\s*[为是:：]?\s*\[?"
FIRST_PAGE_ONE = re.compile(r"从\s*1\s*开始|大于等于\s*1(?!\d)|>=\s*1(?!\d)|最小(值)?为\s*1(?!\d)"
                            r"|start(s|ing)? (at|from) 1(?!\d)|" + RANGE_OR_DEFAULT
                            + r"1(?![\d.])", re.I)
FIRST_PAGE_ZERO = re.compile(r"从\s*0\s*开始|大于等于\s*0(?!\d)|>=\s*0(?!\d)|最小(值)?为\s*0(?!\d)"
                             r"|start(s|ing)? (at|from) 0(?!\d)|" + RANGE_OR_DEFAULT
                             + r"0(?![\d.])", re.I)
# Marker descriptions that make it the ID of the previous page's last item.
LAST_ITEM_MARKERS = re.compile(r"最后一?条|下一条|起始的?资源|last (item|record|resource)", re.I)
ID_MARKERS = re.compile(r"id", re.I)
# Arrays of page links beside the items (OpenStack's `servers_links`).
LINKS_ARRAY = re.compile(r"(^|_)links$")

# Hand decisions, checked before the rules: operationId -> (block or None, reason). They
# apply to the spec whose `info.title` is OVERRIDES_TITLE.
OVERRIDES_TITLE = "SecMaster"
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
    """Raises Skip unless every name of `block` resolves as the generator expects (nested
    `*_path` names and `next_item` included). Returns where the request values are."""
    query = query_params(root, op, path_item)
    body = body_properties(root, op)
    lead = next((k for k in ("offset", "page", "marker") if k in block), None)
    if lead is None:
        raise Skip("none of `offset`, `page`, `marker`")
    if block[lead] in query:
        place, names = "query", query
    elif block[lead] in body:
        place, names = "body", body
    else:
        raise Skip("%s `%s` is neither a query parameter nor a body property"
                   % (lead, block[lead]))
    wanted = {"offset": "integer", "page": "integer", "marker": "string", "limit": "integer"}
    for key in ("offset", "page", "marker", "limit"):
        if key not in block:
            continue
        if block[key] not in names:
            raise Skip("%s `%s` is not a %s %s like the %s"
                       % (key, block[key], place, "parameter" if place == "query" else "property",
                          lead))
        if paging_type(root, place, names[block[key]]) != wanted[key]:
            raise Skip("%s `%s` is not %s %s" % (key, block[key], "an" if wanted[key] ==
                                                  "integer" else "a", wanted[key]))
    if lead == "offset" and "limit" not in block:
        raise Skip("offset paging needs `limit`")
    props = success_body(root, op)
    items_key = "items" if "items" in block else "items_path"
    items = at_path(root, props, str(block.get(items_key, "")))
    if type_of(root, items) != "array":
        raise Skip("%s `%s` is not an array property of the 200 body"
                   % (items_key, block.get(items_key)))
    for key, kind in (("total", "integer"), ("total_path", "integer"), ("next", "string"),
                      ("next_path", "string")):
        if key in block and type_of(root, at_path(root, props, str(block[key]))) != kind:
            raise Skip("%s `%s` is not %s %s property of the 200 body"
                       % (key, block[key], "an" if kind == "integer" else "a", kind))
    if "next_item" in block:
        item = resolve(root, (resolve(root, items) or {}).get("items"))
        if type_of(root, ((item or {}).get("properties") or {}).get(block["next_item"])) \
                != "string":
            raise Skip("next_item `%s` is not a string property of the items"
                       % block["next_item"])
    if lead == "marker" and not any(k in block for k in ("next", "next_path", "next_item")):
        raise Skip("marker paging needs `next`, `next_path` or `next_item`")
    return place


def at_path(root, props, path):
    """The schema at a dotted path (`page_info.next_marker`) of a property map, or None."""
    node = {"properties": props}
    for part in path.split("."):
        node = resolve(root, node)
        if not isinstance(node, dict) or part not in (node.get("properties") or {}):
            return None
        node = node["properties"][part]
    return node


def decide(op, root, path_item=None, all_styles=False):
    """Paging decision for one operation object.

    `root` is the whole spec (for `$ref`s), `path_item` the operation's path item (for
    path-level parameters). Returns (block, notes) with `block` the ordered dict to write as
    `x-pagination` and `notes` a list of remarks; (None, reason) when a candidate is skipped;
    (None, None) when the operation has no paging parameter at all. Without `all_styles`
    only item offsets with top-level items and total are marked (what the generator reads
    today); with it also page numbers, markers and nested paths (see README.md).
    """
    op_id = str(op.get("operationId") or "")
    overrides = OVERRIDES if title_of(root) == OVERRIDES_TITLE else {}
    try:
        if op_id in overrides:
            block, why = overrides[op_id]
            if block is None:
                if locate_paging(root, op, path_item) is None:
                    return None, None
                return None, "override: " + why
            check_block(root, op, path_item, block)
            return dict(block), ["override: " + why]
        if not all_styles:
            return offset_style(root, op, path_item, extended=False)
    except Skip as skip:
        return None, str(skip)
    reasons = []
    for style in (offset_style, marker_next_style, page_style, marker_item_style):
        try:
            block, notes = style(root, op, path_item, extended=True)
        except Skip as skip:
            reasons.append(str(skip))
            continue
        if block is not None:
            return block, notes
    return None, ("; ".join(dict.fromkeys(reasons)) if reasons else None)


def title_of(root):
    return str(((root or {}).get("info") or {}).get("title") or "")


def offset_style(root, op, path_item, extended):
    """Item offset + page size. Returns (None, None) when there is no offset; raises Skip."""
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
    items, container, prefix = response_items(root, op, nested=extended)
    block = {"offset": offset, "limit": limit}
    block.update([items])
    notes = []
    total = find_total(root, container, prefix, notes, extended)
    if total is not None:
        block.update([total])
    return block, notes


def response_items(root, op, nested):
    """-> ((`items` or `items_path`, name), property map holding it, path prefix). The 200
    body must have exactly one array property; with `nested`, a body without any may hold
    them in its one object property that has exactly one array (`result.job_list`)."""
    props = success_body(root, op)
    arrays = [k for k, v in props.items() if type_of(root, v) == "array"]
    if nested:
        # OpenStack-style `servers_links` / `links` arrays hold page links, not items.
        arrays = [k for k in arrays if not LINKS_ARRAY.search(k)] or arrays
    if len(arrays) > 1:
        raise Skip("several arrays in the 200 body: %s" % ", ".join(arrays))
    if arrays:
        return ("items", arrays[0]), props, ""
    if nested:
        found = []
        for key, value in props.items():
            inner = resolve(root, value)
            if not isinstance(inner, dict) or not isinstance(inner.get("properties"), dict):
                continue
            inner_props = {str(k): v for k, v in inner["properties"].items()}
            inner_arrays = [k for k, v in inner_props.items() if type_of(root, v) == "array"]
            if len(inner_arrays) == 1:
                found.append((key, inner_arrays[0], inner_props))
        if len(found) == 1:
            key, name, inner_props = found[0]
            return ("items_path", "%s.%s" % (key, name)), inner_props, key + "."
        if len(found) > 1:
            raise Skip("no array property in the 200 body, and several objects holding one: "
                       "%s" % ", ".join(k for k, _, _ in found))
    raise Skip("no array property in the 200 body (%s)" % (", ".join(props) or "-"))


def find_total(root, container, prefix, notes, extended):
    """(`total` or `total_path`, name) of the total item count, or None (with notes)."""
    names = TOTAL_NAMES_EXTENDED if extended else TOTAL_NAMES
    for name in names:
        if name not in container:
            continue
        kind = type_of(root, container[name])
        doc = describe(root, container[name])
        if kind != "integer":
            notes.append("total omitted: `%s` is %s (%s)" % (prefix + name, kind, short(doc)))
        elif not TOTAL_MARKERS.search(doc):
            notes.append("total omitted: `%s` not described as a total (%s)"
                         % (prefix + name, short(doc)))
        else:
            return ("total_path", prefix + name) if prefix else ("total", name)
    return None


def request_value(root, op, path_item, names):
    """(place, name, node, the place's map) of the first of `names` among the query
    parameters, then among the JSON request body properties; None when absent."""
    query = query_params(root, op, path_item)
    body = body_properties(root, op)
    for place, found in (("query", query), ("body", body)):
        name = next((n for n in names if n in found), None)
        if name is not None:
            return place, name, found[name], found
    return None


def page_style(root, op, path_item, extended=True):
    """Page number + page size: a PAGE_NAMES parameter, or an `offset` described as a page
    number (第几页, 页码); the size is the first of PAGE_SIZE_NAMES in the same place."""
    found = request_value(root, op, path_item, PAGE_NAMES)
    offset = request_value(root, op, path_item, OFFSET_NAMES)
    if found is None and offset is not None and PAGE_MARKERS.search(describe(root, offset[2])):
        found = offset
    if found is None:
        return None, None
    place, page, page_node, names = found
    size = next((n for n in PAGE_SIZE_NAMES if n in names), None)
    if size is None:
        raise Skip("page number `%s` without a %s page size" % (page, place))
    for name in (page, size):
        kind = paging_type(root, place, names[name])
        if kind != "integer":
            raise Skip("%s `%s` is %s, not an integer" % (place, name, kind or "untyped"))
    items, container, prefix = response_items(root, op, nested=True)
    block = {"page": page}
    doc = describe(root, page_node)
    if FIRST_PAGE_ONE.search(doc):
        block["first"] = 1
    elif FIRST_PAGE_ZERO.search(doc):
        block["first"] = 0
    block["limit"] = size
    block.update([items])
    notes = []
    total = find_total(root, container, prefix, notes, True)
    if total is not None:
        block.update([total])
    if "first" not in block:
        notes.append("first page number not stated (%s)" % short(doc))
    return block, notes


def marker_request(root, op, path_item):
    found = request_value(root, op, path_item, MARKER_NAMES)
    if found is None:
        return None
    place, marker, node, names = found
    kind = paging_type(root, place, node)
    if kind != "string":
        raise Skip("%s `%s` is %s, not a string" % (place, marker, kind or "untyped"))
    block = {"marker": marker}
    limit = next((n for n in LIMIT_NAMES + PAGE_SIZE_NAMES if n in names), None)
    if limit is not None and paging_type(root, place, names[limit]) == "integer":
        block["limit"] = limit
    return block, node


def marker_next_style(root, op, path_item, extended=True):
    """A marker the response hands back: `next_marker` in the 200 body (`next`) or in one of
    its object properties (`next_path: page_info.next_marker`)."""
    found = marker_request(root, op, path_item)
    if found is None:
        return None, None
    block, _ = found
    items, _, _ = response_items(root, op, nested=True)
    props = success_body(root, op)
    nxt = None
    for name in NEXT_NAMES:
        if type_of(root, props.get(name)) == "string":
            nxt = ("next", name)
            break
    if nxt is None:
        holders = []
        for key, value in props.items():
            inner = resolve(root, value)
            if isinstance(inner, dict) and isinstance(inner.get("properties"), dict):
                for name in NEXT_NAMES:
                    if type_of(root, inner["properties"].get(name)) == "string":
                        holders.append("%s.%s" % (key, name))
                        break
        if len(holders) == 1:
            nxt = ("next_path", holders[0])
        elif holders:
            raise Skip("several next markers: %s" % ", ".join(holders))
    if nxt is None:
        raise Skip("marker without a next marker (%s) in the 200 body" % "/".join(NEXT_NAMES))
    block.update([items])
    block.update([nxt])
    return order(block), []


def marker_item_style(root, op, path_item, extended=True):
    """A marker that is the ID of the last item of the previous page: the marker is described
    so (最后一条 / 下一条 / 起始的资源 … ID) and each item has a string `id`."""
    found = marker_request(root, op, path_item)
    if found is None:
        return None, None
    block, node = found
    doc = describe(root, node)
    if not (LAST_ITEM_MARKERS.search(doc) and ID_MARKERS.search(doc)):
        raise Skip("marker is not described as the ID of the last item (%s)" % short(doc))
    (items_key, items_name), _, _ = response_items(root, op, nested=True)
    props = success_body(root, op)
    items = resolve(root, at_path(root, props, items_name))
    item = resolve(root, (items or {}).get("items"))
    if type_of(root, ((item or {}).get("properties") or {}).get("id")) != "string":
        raise Skip("the items (`%s`) have no string `id` for the next marker" % items_name)
    block[items_key] = items_name
    block["next_item"] = "id"
    return order(block), ["next marker: the last item's `id` (%s)" % short(doc)]


def order(block):
    return {k: block[k] for k in KEY_ORDER if k in block}


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
    if isinstance(name, int):
        return str(name)
    if PLAIN.match(name) and name.lower() not in YAML_WORDS:
        return name
    return json.dumps(name, ensure_ascii=False)


def render(block, indent):
    lines = [indent + EXTENSION + ":"]
    for key in KEY_ORDER:
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


def run(spec_path, check=False, all_styles=False):
    import yaml
    original = spec_path.read_text(encoding="utf-8")
    spec = yaml.safe_load(original)
    decisions, notes, places, skipped = {}, {}, {}, {}
    count = 0
    for path, method, item, op in operations(spec):
        count += 1
        block, info = decide(op, spec, item, all_styles=all_styles)
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
        style = next(k for k in ("offset", "page", "marker") if k in block)
        kinds.setdefault((place, style, "total" in block or "total_path" in block),
                         []).append(op_id)
        extra = "".join("\n    note: " + n for n in notes[op_id])
        print("marked  %-36s %s %s%s" % (
            op_id, place, " ".join("%s=%s" % (k, v) for k, v in block.items()), extra))
    for op_id, why in skipped.items():
        print("skipped %-36s %s" % (op_id, why))
    for op_id in existing:
        if op_id not in decisions:
            print("kept    %-36s existing x-pagination left as written (the rules would "
                  "skip: %s)" % (op_id, skipped.get(op_id, "not a candidate")))
    print("marked %d (%s); skipped %d candidates" % (
        len(decisions), ", ".join("%s %s %s total: %d" % (p, style, "with" if t else "without",
                                                          len(v))
                                  for (p, style, t), v in sorted(kinds.items())),
        len(skipped)))
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
        description="Add x-pagination to the operations of a spec that page (by default "
                    "SecMaster's, by item offset only).")
    parser.add_argument("--spec", default=str(DEFAULT_SPEC),
                        help="spec file to edit in place (default: spec/secmaster.yaml)")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 when the spec is not up to date")
    parser.add_argument("--all-styles", action="store_true",
                        help="also page numbers, markers and nested paths (what import_sdk.py "
                             "writes for services other than SecMaster)")
    args = parser.parse_args(argv)
    return run(Path(args.spec), check=args.check, all_styles=args.all_styles)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

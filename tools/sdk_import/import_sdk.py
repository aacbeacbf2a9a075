#!/usr/bin/env python3
"""Import Huawei Cloud operations from an official Python SDK's metadata into an OpenAPI spec.

Usage (from anywhere; paths are relative to the current directory):

    python3 tools/sdk_import/import_sdk.py [--spec FILE] OPERATION...   # e.g. ListAlerts CreateAlert
    python3 tools/sdk_import/import_sdk.py [--spec FILE] --all
    python3 tools/sdk_import/import_sdk.py --list
    python3 tools/sdk_import/import_sdk.py --package huaweicloudsdkvpc --version 3.1.219 --all
    python3 tools/sdk_import/import_sdk.py --package huaweicloudsdkiam --api-version v3 --all

The SDK package defaults to `huaweicloudsdksecmaster` 3.1.219 and its spec to
`spec/secmaster.yaml` of this repository; for another package the default spec is
`spec/services/<service>.yaml` (`<service>` is the package name without `huaweicloudsdk`).
The SDK's API version module (`<package>.v<N>`) is the newest one unless `--api-version`
names another. A spec that does not exist yet, or any spec with `--new`, starts from a fresh
document (info, servers from the SDK's region class, security schemes, and `x-credentials:
global` for a domain-scoped service). Operations are SDK operation names in PascalCase (what
`--list` prints). Every schema the named operations reach is added too. Nothing that already
exists in the spec is modified: an operation whose path+method or operationId is already
there is skipped, and so is a schema whose name is already used (the hand-written one wins
and the SDK model's own children are not followed). The script prints what it added and
what it skipped. The output is deterministic: running it twice gives the same file, and a
second run adds nothing.

Bootstrap (same scheme as tests/signing/make_vectors.py): the script creates, or reuses, a
scratch virtualenv outside the repository at `${TMPDIR:-/tmp}/<service>-sdkimport-venv`
(override with <SERVICE>_SDKIMPORT_VENV, e.g. SECMASTER_SDKIMPORT_VENV), pip-installs the pins
(`huaweicloudsdkcore` and the package at `--version`, and ruamel.yaml; skipped while the
venv's pin marker matches) and re-executes itself inside it with HOME pointed at a scratch
folder in the venv, because importing the SDK core writes `~/.huaweicloud/`. Only PyPI is
contacted; the SDK never sends a request.

Where each piece of the spec comes from (all by introspection of the installed SDK):
- the client: the one `*Client` class (not `*AsyncClient`) of `<package>.v<N>`; the service
  title is its name without `Client` (`SecMaster`, `Vpc`, `Iam`). Domain-scoped (global)
  services: `new_builder` names `GlobalCredentials` first. Servers: the `Region` constants of
  the class in `<package>.v<N>.region` (their first endpoint, with the region id replaced by
  `{region}`).
- operations: every `_<snake>_http_info` classmethod of the client, in source order; the
  PascalCase name is the one the public method's docstring gives ("Request instance for
  ListAlerts"); summary/description come from that docstring.
- parameter locations: `_<snake>_http_info` is called with a request object whose every
  attribute is a distinct sentinel; where each sentinel lands (path_params, query_params,
  header_params, post_params, body) gives the parameter's `in`. Method, path, response type,
  response headers, collection formats and the request Content-Type come from the same dict.
  Path template variables that no request attribute fills (`{project_id}` in most SDKs: the
  core fills it from the credentials) are declared as required string path parameters.
- types: `openapi_types`; wire names: `attribute_map`; descriptions: the `:param x:` lines of
  each model's `__init__` docstring; required: attributes that `__init__` assigns
  unconditionally (`self.x = x`), found with `ast` (optional ones sit under `if x is not None:`).
- `x-pagination`: the one thing not introspected; added operations get the block that
  `mark_pagination.py --all-styles` would write (for SecMaster: without --all-styles), through
  its `decide`, which reads parameter and property names, types and descriptions, so a later
  run of that script leaves them as they are.
- multipart and form-urlencoded: the request Content-Type (the core then turns the body
  model's attributes and the request's form attributes into form fields, `FormFile` values
  into file parts); downloads: the response class subclasses `SdkStreamResponse`.
See tools/sdk_import/README.md for the spec conventions.
"""

import argparse
import re
import sys
from pathlib import Path

PACKAGE_PREFIX = "huaweicloudsdk"
DEFAULT_PACKAGE = "huaweicloudsdksecmaster"
DEFAULT_VERSION = "3.1.219"
YAML_PIN = "ruamel.yaml==0.19.1"
HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent.resolve()
DEFAULT_SPEC = REPO_ROOT / "spec" / "secmaster.yaml"
SERVICES_DIR = REPO_ROOT / "spec" / "services"


def service_of(package):
    """`huaweicloudsdkvpc` -> `vpc`."""
    return package[len(PACKAGE_PREFIX):]


def pins(package, version):
    return ["huaweicloudsdkcore==%s" % version, "%s==%s" % (package, version), YAML_PIN]


def default_spec(package):
    if package == DEFAULT_PACKAGE:
        return DEFAULT_SPEC
    return SERVICES_DIR / ("%s.yaml" % service_of(package))


def ensure_venv_and_reexec(args) -> None:
    sys.path.insert(0, str(HERE.parent.parent.resolve() / "tools"))
    import scratch_venv

    scratch_venv.ensure(__file__, pins(args.package, args.version),
                        "%s-sdkimport-venv" % service_of(args.package))


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="import_sdk.py",
        description="Add operations of an official Huawei Cloud Python SDK (default "
                    "huaweicloudsdksecmaster) to an OpenAPI spec.")
    parser.add_argument("--package", default=DEFAULT_PACKAGE,
                        help="SDK package on PyPI (default: %(default)s)")
    parser.add_argument("--version", default=DEFAULT_VERSION,
                        help="version of the package and of huaweicloudsdkcore "
                             "(default: %(default)s)")
    parser.add_argument("--api-version", metavar="vN",
                        help="the SDK's API version module (default: the newest v<N>)")
    parser.add_argument("--spec", default=None,
                        help="spec file to extend in place (default: spec/secmaster.yaml for "
                             "SecMaster, else spec/services/<service>.yaml)")
    parser.add_argument("--new", action="store_true",
                        help="start from a fresh document, replacing the spec file")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--all", action="store_true", help="import every operation of the SDK")
    group.add_argument("--list", action="store_true", help="print the SDK's operation names")
    parser.add_argument("operations", nargs="*", metavar="OPERATION",
                        help="SDK operation names in PascalCase, e.g. ListAlerts CreateAlert")
    args = parser.parse_args(argv)
    if not re.fullmatch(re.escape(PACKAGE_PREFIX) + r"[a-z0-9]+", args.package):
        parser.error("--package must be huaweicloudsdk<service>, e.g. huaweicloudsdkecs")
    if not re.fullmatch(r"\d+\.\d+\.\d+", args.version):
        parser.error("--version must be a release such as 3.1.219")
    if args.api_version is not None and not re.fullmatch(r"v\d+", args.api_version):
        parser.error("--api-version must be v<N>, e.g. v3")
    if args.spec is None:
        args.spec = str(default_spec(args.package))
    if args.list and args.operations:
        parser.error("--list takes no OPERATION")
    if args.all and args.operations:
        parser.error("--all takes no OPERATION")
    if not (args.list or args.all or args.operations):
        parser.error("name at least one OPERATION, or use --all or --list")
    return args


# --------------------------------------------------------------------------------------
# Policy tables (plain data; see README.md).

# POST/PATCH operations whose name starts with one of these only read or search.
READ_ONLY_PREFIXES = ("List", "Show", "Search", "Count", "Check", "Export", "Get", "Query",
                      "Validate", "BatchSearch", "BatchQuery", "BatchList", "BatchShow")
# Explicit decisions that override the prefix rule (operationId -> x-idempotent).
IDEMPOTENT_OVERRIDES = {}

# SecMaster only (huaweicloudsdksecmaster): path segments skipped when looking for an
# operation's resource name.
TAG_SKIP_SEGMENTS = {"v1", "{project_id}", "soc", "siem", "sa"}
# SecMaster only: resource segment (or collector sub-resource) -> tag, merging small groups.
TAG_BY_SEGMENT = {
    "collector": "Collectors",
    "collector/cloudlogs": "CloudLogs",
    "cloud-logs": "CloudLogs",
    "agency": "Workspaces",
    "alert-rules": "AlertRules",
    "assetcredentials": "AssetCredentials",
    "attachment": "Attachments",
    "dataclasses": "DataClasses",
    "datapanel": "DataObjects",
    "{dataclass_name}": "DataObjects",
    "{dataclass_type}": "DataObjects",
    "{resource_type}": "ResourceTags",
    "moniter": "Metrics",
    "policys": "Policies",
    "policy-records": "Policies",
    "vulnerability": "Vulnerabilities",
}

SUCCESS_STATUS = "200"
SUCCESS_DESCRIPTION = "Response to a successful request."
BOILERPLATE_LINES = {"Please refer to HUAWEI cloud API Explorer for details."}
# Bodies of form fields: the core sends the body model's attributes and the request's form
# attributes (`post_params`) as fields; multipart also sends `FormFile` values as files.
FORM_MEDIA_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
HTTP_METHOD_ORDER = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]


# --------------------------------------------------------------------------------------
# SDK introspection (runs inside the venv).

class Sentinel:
    """A unique stand-in value for one request attribute."""

    def __init__(self, attr):
        self.attr = attr

    def __repr__(self):
        return "<sentinel %s>" % self.attr


def pascal(text):
    return "".join(part[:1].upper() + part[1:] for part in
                   text.replace("-", "_").replace("/", "_").split("_") if part)


def clean_text(text):
    """Normalises a description: no CR, no trailing blanks, no leading/trailing blank lines."""
    if text is None:
        return ""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip()


def parse_param_docs(doc):
    """`:param name: text` lines of an `__init__` docstring -> {name: text}."""
    import re
    out = {}
    current = None
    for line in (doc or "").split("\n"):
        stripped = line.strip()
        match = re.match(r":param (\w+):\s?(.*)$", stripped)
        if match:
            current = match.group(1)
            out[current] = match.group(2)
            continue
        if stripped.startswith(":"):
            current = None
            continue
        if current is not None and stripped:
            out[current] += "\n" + stripped
    return {k: clean_text(v) for k, v in out.items()}


def required_attributes(klass):
    """Attributes that `klass.__init__` assigns unconditionally (`self.x = x`)."""
    import ast
    import inspect
    import textwrap
    source = textwrap.dedent(inspect.getsource(klass.__init__))
    func = ast.parse(source).body[0]
    required = set()
    for stmt in func.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                    and target.value.id == "self" and isinstance(stmt.value, ast.Name)
                    and stmt.value.id == target.attr):
                required.add(target.attr)
    return required


class Model:
    """What the spec needs of one SDK model class."""

    def __init__(self, klass):
        self.name = klass.__name__
        self.klass = klass
        self.types = dict(klass.openapi_types)
        self.wire = dict(klass.attribute_map)
        self.docs = parse_param_docs(klass.__init__.__doc__)
        self.required = required_attributes(klass)
        self.sensitive = list(getattr(klass, "sensitive_list", []) or [])
        # An SDK enum class ("allowed enum values" in its docstring) has no attributes, only
        # its values as upper-case class constants; on the wire it is one of those strings.
        self.enum_values = []
        if not self.types and "allowed enum values" in (klass.__doc__ or ""):
            self.enum_values = [value for key, value in vars(klass).items()
                                if key.isupper() and isinstance(value, str)]


class Operation:
    def __init__(self, **kw):
        self.__dict__.update(kw)


class Sdk:
    def __init__(self, package, api_version=None):
        import importlib
        import importlib.metadata
        import inspect
        import pkgutil
        from huaweicloudsdkcore.client import Client
        from huaweicloudsdkcore.sdk_response import SdkResponse
        from huaweicloudsdkcore.sdk_stream_response import SdkStreamResponse
        from huaweicloudsdkcore.sdk_stream_request import SdkStreamRequest
        self.package = package
        self.service = service_of(package)
        self.SdkResponse = SdkResponse
        self.SdkStreamResponse = SdkStreamResponse
        self.SdkStreamRequest = SdkStreamRequest
        self.version = importlib.metadata.version(package)
        root = importlib.import_module(package)
        self.api_versions = sorted(
            (m.name for m in pkgutil.iter_modules(root.__path__) if re.fullmatch(r"v\d+", m.name)),
            key=lambda name: int(name[1:]))
        if not self.api_versions:
            raise SystemExit("import_sdk.py: %s has no v<N> module" % package)
        if api_version is None:
            api_version = self.api_versions[-1]
        elif api_version not in self.api_versions:
            raise SystemExit("import_sdk.py: %s has no %s module (it has %s)"
                             % (package, api_version, ", ".join(self.api_versions)))
        self.api_version = api_version
        self.v1 = importlib.import_module("%s.%s" % (package, api_version))
        clients = sorted(
            name for name, value in vars(self.v1).items()
            if isinstance(value, type) and issubclass(value, Client)
            and name.endswith("Client") and not name.endswith("AsyncClient") and value is not Client)
        if len(clients) != 1:
            raise SystemExit("import_sdk.py: %s.%s has %d client classes (%s), expected one"
                             % (package, api_version, len(clients), ", ".join(clients) or "-"))
        client = getattr(self.v1, clients[0])
        self.client_name = clients[0]
        self.title = clients[0][:-len("Client")]
        # Which credentials the client takes first: GlobalCredentials (domain-scoped, the
        # core fills `{domain_id}` and sends X-Domain-Id) or BasicCredentials (project).
        match = re.search(r'ClientBuilder\(\s*\w+\s*,\s*"([^"]*)"',
                          inspect.getsource(client.new_builder))
        self.credentials = match.group(1).split(",") if match else ["BasicCredentials"]
        self.is_global = self.credentials[0] == "GlobalCredentials"
        self.regions = self._regions()
        self.models = {}
        self.warnings = []
        source = inspect.getsource(client)
        snakes = re.findall(r"def _(\w+)_http_info\(cls", source)
        self.operations = []
        for snake in snakes:
            self.operations.append(self._operation(client, snake))
        self.by_name = {op.name: op for op in self.operations}
        # Header fields of every SDK response class (wire names), so that a response class
        # is rendered the same way wherever it is reached.
        self.response_headers = {}
        for op in self.operations:
            self.response_headers.setdefault(op.response_type, set()).update(op.response_headers)

    def _regions(self):
        """[(region id, first endpoint)] of the Region constants of the package's region
        class, in the order the class defines them."""
        import importlib
        import pkgutil
        from huaweicloudsdkcore.region.region import Region
        try:
            region_pkg = importlib.import_module("%s.region" % self.v1.__name__)
        except ImportError:
            return []
        out = []
        for info in sorted(pkgutil.iter_modules(region_pkg.__path__), key=lambda m: m.name):
            module = importlib.import_module("%s.%s" % (region_pkg.__name__, info.name))
            for klass in vars(module).values():
                if not isinstance(klass, type) or klass.__module__ != module.__name__:
                    continue
                for value in vars(klass).values():
                    if isinstance(value, Region) and value.endpoints:
                        out.append((value.id, value.endpoints[0]))
        return list(dict.fromkeys(out))

    def model(self, name):
        if name not in self.models:
            klass = getattr(self.v1, name, None)
            if klass is None or not hasattr(klass, "openapi_types"):
                raise SystemExit("import_sdk.py: SDK has no model class %r" % name)
            self.models[name] = Model(klass)
        return self.models[name]

    def _operation(self, client, snake):
        import inspect
        public = getattr(client, snake)
        doc = inspect.getdoc(public) or ""
        match = re.search(r"Request instance for (\w+)", doc)
        name = match.group(1) if match else pascal(snake)
        request_name = name + "Request"
        request_class = getattr(self.v1, request_name)
        request_model = self.model(request_name)
        request = request_class()
        sentinels = {}
        for attr in request_model.types:
            sentinels[attr] = Sentinel(attr)
            setattr(request, attr, sentinels[attr])
        info = getattr(client, "_%s_http_info" % snake)(request)
        where = {}

        def land(value, location, wire):
            if isinstance(value, Sentinel):
                where[value.attr] = (location, wire)

        for wire, value in info["path_params"].items():
            land(value, "path", wire)
        for wire, value in info["query_params"]:
            land(value, "query", wire)
        content_type = None
        for wire, value in info["header_params"].items():
            if wire == "Content-Type" and not isinstance(value, Sentinel):
                content_type = value
                continue
            land(value, "header", wire)
        for wire, value in (info.get("post_params") or {}).items():
            land(value, "form", wire)
        land(info["body"], "body", "body")
        for attr in request_model.types:
            if attr not in where:
                self.warnings.append("%s: request attribute %r is sent nowhere; left out"
                                     % (name, attr))
        if info.get("cname"):
            self.warnings.append("%s: the SDK sends it to the host prefixed with %r; not "
                                 "expressed" % (name, info["cname"]))
        summary, description = split_doc(doc)
        response_type = info["response_type"]
        response_class = getattr(self.v1, response_type)
        return Operation(
            name=name, snake=snake, method=info["method"].lower(), path=info["resource_path"],
            request=request_model, where=where, content_type=content_type,
            collection_formats=dict(info.get("collection_formats") or {}),
            response_type=response_type, response_headers=list(info["response_headers"] or []),
            stream_request=issubclass(request_class, self.SdkStreamRequest),
            stream_response=issubclass(response_class, self.SdkStreamResponse),
            summary=summary, description=description)


def split_doc(doc):
    """Method docstring -> (summary, description): first line, then the rest without the
    SDK's boilerplate and `:param`/`:type`/`:rtype` lines."""
    lines = []
    for line in doc.split("\n"):
        if line.strip().startswith((":param", ":type", ":rtype", ":return")):
            break
        if line.strip() in BOILERPLATE_LINES:
            continue
        lines.append(line)
    text = clean_text("\n".join(lines))
    if not text:
        return None, None
    first, _, rest = text.partition("\n")
    return first.strip(), clean_text(rest) or None


# --------------------------------------------------------------------------------------
# Spec construction.

def tag_for(path, service="secmaster"):
    """The operation's tag: SecMaster's own table for SecMaster, else `generic_tag`."""
    if service != "secmaster":
        return generic_tag(path, service)
    segs = [s for s in path.strip("/").split("/") if s]
    i = 0
    while i < len(segs):
        seg = segs[i]
        if seg in TAG_SKIP_SEGMENTS:
            i += 1
            continue
        if seg == "workspaces" and i + 1 < len(segs) and segs[i + 1] == "{workspace_id}" \
                and i + 2 < len(segs):
            i += 2
            continue
        if seg == "collector" and i + 1 < len(segs):
            sub = "collector/" + segs[i + 1]
            return TAG_BY_SEGMENT.get(sub, TAG_BY_SEGMENT["collector"])
        if seg in TAG_BY_SEGMENT:
            return TAG_BY_SEGMENT[seg]
        if seg.startswith("{"):
            return pascal(seg.strip("{}"))
        return pascal(seg)
    return "Misc"


# Generic tags: segments that only say which API version, service or scope a path is in.
VERSION_SEGMENT = re.compile(r"^v\d+(\.\d+)*(-ext)?$", re.I)
OPENSTACK_NAMESPACE = re.compile(r"^OS-[A-Z0-9-]+$")
SCOPE_PAIRS = {"projects": "{project_id}", "domains": "{domain_id}"}


def generic_tag(path, service):
    """First meaningful literal path segment, PascalCase: skips version segments (`v3`,
    `v3.0`, `v2.1`, `v3-ext`), path parameters, and, when more follows, the service's own
    name (`/v3/{project_id}/vpc/vpcs` -> `Vpcs`), OpenStack extension namespaces (`OS-USER`)
    and `projects/{project_id}` / `domains/{domain_id}` scope pairs. A path of parameters
    only gives its first parameter that is not a project or domain id; nothing gives `Misc`."""
    segs = [s for s in path.strip("/").split("/") if s]
    params = []
    i = 0
    while i < len(segs):
        seg = segs[i]
        more = i + 1 < len(segs)
        if VERSION_SEGMENT.match(seg):
            i += 1
            continue
        if seg.startswith("{"):
            params.append(seg.strip("{}"))
            i += 1
            continue
        if more and (seg.lower() == service or OPENSTACK_NAMESPACE.match(seg)):
            i += 1
            continue
        if seg in SCOPE_PAIRS and i + 2 < len(segs) and segs[i + 1] == SCOPE_PAIRS[seg]:
            i += 2
            continue
        return pascal_words(seg)
    params = [p for p in params if p not in ("project_id", "domain_id")]
    return pascal_words(params[0]) if params else "Misc"


def pascal_words(text):
    """`security-groups` -> `SecurityGroups`, `OS-USER` -> `OsUser`, `v2.0` -> `V20`."""
    words = [w for w in re.split(r"[-_./:]+", text) if w]
    return "".join((w.capitalize() if w.isupper() else w[:1].upper() + w[1:]) for w in words)


def is_idempotent(op):
    if op.name in IDEMPOTENT_OVERRIDES:
        return IDEMPOTENT_OVERRIDES[op.name]
    if op.method in ("post", "patch"):
        return op.name.startswith(READ_ONLY_PREFIXES)
    return True


class Builder:
    def __init__(self, sdk, existing_schemas, yaml_mod):
        self.sdk = sdk
        self.existing = set(existing_schemas)
        self.y = yaml_mod
        self.new_schemas = {}        # name -> schema (CommentedMap)
        self.skipped_schemas = set()  # reached SDK names that the spec already has
        self.pending = []

    # -- helpers ------------------------------------------------------------------------
    def cmap(self, *pairs):
        m = self.y.CommentedMap()
        for k, v in pairs:
            if v is not None:
                m[k] = v
        return m

    def text(self, s):
        s = clean_text(s)
        if not s:
            return None
        if "\n" in s:
            return self.y.LiteralScalarString(s)
        return s

    def ref(self, name):
        self.reach(name)
        return self.cmap(("$ref", self.y.DoubleQuotedScalarString("#/components/schemas/" + name)))

    def reach(self, name):
        if name in self.existing:
            self.skipped_schemas.add(name)
            return
        if name in self.new_schemas or name in self.pending:
            return
        self.pending.append(name)

    def drain(self):
        while self.pending:
            name = self.pending.pop(0)
            if name in self.new_schemas:
                continue
            self.new_schemas[name] = None  # placeholder against cycles
            self.new_schemas[name] = self.object_schema(self.sdk.model(name))

    # -- schemas ------------------------------------------------------------------------
    def type_schema(self, t, description=None):
        """SDK type string -> schema (a new map each time)."""
        import re
        t = t.strip()
        scalar = {
            "str": (("type", "string"),),
            "int": (("type", "integer"), ("format", "int64")),
            "float": (("type", "number"), ("format", "double")),
            "bool": (("type", "boolean"),),
            "object": (("type", "object"),),
            "datetime": (("type", "string"), ("format", "date-time")),
            "date": (("type", "string"), ("format", "date")),
            "file": (("type", "string"), ("format", "binary")),
        }
        desc = ("description", self.text(description))
        if t in scalar:
            return self.cmap(*scalar[t], desc)
        match = re.match(r"^list\[(.*)\]$", t)
        if match:
            return self.cmap(("type", "array"), desc, ("items", self.type_schema(match.group(1))))
        match = re.match(r"^dict\(([^,]*), (.*)\)$", t)
        if match:
            return self.cmap(("type", "object"), desc,
                             ("additionalProperties", self.type_schema(match.group(2))))
        if re.match(r"^[A-Z]\w*$", t):
            # A sibling `description` next to `$ref` is ignored by OpenAPI 3.0, and
            # allOf wrappers are not wanted: the property's description is dropped.
            return self.ref(t)
        raise SystemExit("import_sdk.py: unknown SDK type %r" % t)

    def object_schema(self, model):
        # The header fields of an SDK response class (see Sdk.response_headers) are not
        # part of its body: they become response `headers`.
        if model.enum_values:
            return self.cmap(("type", "string"), ("enum", list(model.enum_values)))
        skip = self.sdk.response_headers.get(model.name, set())
        props = self.y.CommentedMap()
        required = []
        for attr, t in model.types.items():
            wire = model.wire[attr]
            if wire in skip:
                continue
            props[wire] = self.type_schema(t, model.docs.get(attr))
            if attr in model.required:
                required.append(wire)
        schema = self.cmap(("type", "object"))
        if required:
            schema["required"] = required
        if props:
            schema["properties"] = props
        return schema

    # -- operations ---------------------------------------------------------------------
    def parameter(self, op, attr, location, wire):
        model = op.request
        t = model.types[attr]
        schema = self.type_schema(t)
        param = self.cmap(("name", wire), ("in", location))
        if location == "path":
            param["required"] = True
        elif attr in model.required:
            param["required"] = True
        desc = self.text(model.docs.get(attr))
        if desc:
            param["description"] = desc
        if location == "query" and schema.get("type") == "array":
            # The SDK's metadata says `csv` for some lists, but huaweicloudsdkcore's
            # `Client._parse_query_params` turns every collection format into `multi`: each
            # element goes out as its own pair. The spec describes what goes on the wire.
            param["style"] = "form"
            param["explode"] = True
        param["schema"] = schema
        return param

    def request_body(self, op):
        model = op.request
        body_attrs = [a for a, (loc, _) in op.where.items() if loc == "body"]
        form_attrs = [a for a, (loc, _) in op.where.items() if loc == "form"]
        ctype = op.content_type or "application/json"
        essence = ctype.split(";")[0].strip().lower()
        if op.stream_request or essence == "application/octet-stream":
            required = any(a in model.required for a in body_attrs)
            binary = self.cmap(("type", "string"), ("format", "binary"))
            media = self.cmap(("application/octet-stream", self.cmap(("schema", binary))))
            return self.cmap(("required", True if required else None), ("content", media))
        if essence in FORM_MEDIA_TYPES:
            props = self.y.CommentedMap()
            required = []
            body_required = False
            for attr in body_attrs:
                body_required = body_required or attr in model.required
                inner = model.types[attr]
                if not inner[:1].isupper():  # the SDK always wraps form fields in a model
                    raise SystemExit("import_sdk.py: %s: %s body of type %r"
                                     % (op.name, essence, inner))
                body_model = self.sdk.model(inner)
                for battr, bt in body_model.types.items():
                    wire = body_model.wire[battr]
                    props[wire] = self.type_schema(bt, body_model.docs.get(battr))
                    if battr in body_model.required:
                        required.append(wire)
            for attr in form_attrs:
                wire = op.where[attr][1]
                props[wire] = self.type_schema(model.types[attr], model.docs.get(attr))
                if attr in model.required:
                    required.append(wire)
                    body_required = True
            schema = self.cmap(("type", "object"))
            schema["properties"] = props
            if required:
                schema["required"] = required
            media = self.cmap((ctype, self.cmap(("schema", schema))))
            return self.cmap(("required", True if body_required else None), ("content", media))
        if not body_attrs:
            return None
        attr = body_attrs[0]
        t = model.types[attr]
        desc = model.docs.get(attr, "")
        if desc.startswith("Body of the "):
            desc = None
        media = self.cmap((ctype, self.cmap(("schema", self.type_schema(t)))))
        return self.cmap(
            ("description", self.text(desc)),
            ("required", True if attr in model.required else None),
            ("content", media))

    def responses(self, op):
        resp_model = self.sdk.model(op.response_type)
        response = self.cmap(("description", SUCCESS_DESCRIPTION))
        headers = self.y.CommentedMap()
        header_wires = set(op.response_headers)
        for wire in op.response_headers:
            attr = next((a for a, w in resp_model.wire.items() if w == wire), None)
            t = resp_model.types.get(attr, "str") if attr else "str"
            desc = resp_model.docs.get(attr) if attr else None
            if not desc or desc == "The %s of this %s." % (attr, resp_model.name):
                desc = "The `%s` response header." % wire
            headers[wire] = self.cmap(("description", self.text(desc)),
                                      ("schema", self.type_schema(t)))
        if headers:
            response["headers"] = headers
        if op.stream_response:
            response["content"] = self.cmap(("application/octet-stream", self.cmap(
                ("schema", self.cmap(("type", "string"), ("format", "binary"))))))
        else:
            fields = [a for a in resp_model.types if resp_model.wire[a] not in header_wires]
            if fields == ["body"]:
                schema = self.type_schema(resp_model.types["body"])
            elif fields:
                schema = self.ref(op.response_type)
            else:
                schema = None
            if schema is not None:
                response["content"] = self.cmap(("application/json", self.cmap(("schema", schema))))
        return self.cmap((self.y.DoubleQuotedScalarString(SUCCESS_STATUS), response))

    def implicit_path_parameter(self, name):
        """A path template variable that no request attribute fills: the SDK core fills it
        (`project_id` from BasicCredentials, `domain_id` from GlobalCredentials)."""
        if name == "project_id":
            desc = "Project ID. The official SDK fills it in from the credentials."
        elif name == "domain_id":
            desc = "Account (domain) ID. The official SDK fills it in from the credentials."
        else:
            desc = "The `%s` path parameter (not a field of the SDK request)." % name
        return self.cmap(("name", name), ("in", "path"), ("required", True),
                         ("description", desc),
                         ("schema", self.cmap(("type", "string"))))

    def operation(self, op):
        params = []
        declared = {wire for loc, wire in op.where.values() if loc == "path"}
        for var in re.findall(r"\{([^{}]+)\}", op.path):
            if var not in declared:
                declared.add(var)
                params.append(self.implicit_path_parameter(var))
        for location in ("path", "query", "header"):
            for attr in op.request.types:
                if attr in op.where and op.where[attr][0] == location:
                    params.append(self.parameter(op, attr, location, op.where[attr][1]))
        obj = self.cmap(
            ("operationId", op.name),
            ("summary", self.text(op.summary)),
            ("description", self.text(op.description)),
            ("tags", [tag_for(op.path, self.sdk.service)]),
            ("x-idempotent", None if op.method in ("get", "put", "delete")
             else is_idempotent(op)),
        )
        if params:
            obj["parameters"] = params
        body = self.request_body(op)
        if body is not None:
            obj["requestBody"] = body
        obj["responses"] = self.responses(op)
        self.drain()
        return obj


# --------------------------------------------------------------------------------------

class YamlMod:
    def __init__(self):
        from ruamel.yaml import YAML
        from ruamel.yaml.comments import CommentedMap
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString
        self.CommentedMap = CommentedMap
        self.DoubleQuotedScalarString = DoubleQuotedScalarString
        self.LiteralScalarString = LiteralScalarString
        yaml = YAML()  # round-trip
        yaml.preserve_quotes = True
        yaml.width = 100000
        yaml.indent(mapping=2, sequence=4, offset=2)
        yaml.allow_unicode = True
        self.yaml = yaml

    def load(self, text):
        return self.yaml.load(text)

    def dump(self, data):
        import io
        out = io.StringIO()
        self.yaml.dump(data, out)
        return out.getvalue()


def add_pagination(spec, added_ops, added_objs, ym, all_styles):
    """Gives each added operation the `x-pagination` block that mark_pagination.py would write
    (right after `operationId`; `all_styles` as its --all-styles). Returns (marked
    operationIds, skipped candidates with reasons)."""
    sys.path.insert(0, str(HERE))
    sys.dont_write_bytecode = True  # no __pycache__ in the repository
    from mark_pagination import EXTENSION, KEY_ORDER, decide
    marked, skipped = [], []
    for op in added_ops:
        obj, item = added_objs[op.name]
        block, info = decide(obj, spec, item, all_styles=all_styles)
        if block is None:
            if info is not None:
                skipped.append("%s (%s)" % (op.name, info))
            continue
        value = ym.CommentedMap()
        for key in KEY_ORDER:
            if key in block:
                value[key] = block[key]
        obj.insert(list(obj.keys()).index("operationId") + 1, EXTENSION, value)
        marked.append(op.name)
    return marked, skipped


def constructs(spec, added_ops, added_objs):
    """Counts, over the added operations, of the constructs a generator may not support yet
    (printed so that a new spec's report can say what it brings)."""
    counts = {}

    def count(key):
        counts[key] = counts.get(key, 0) + 1

    def resolve(node):
        seen = set()
        while isinstance(node, dict) and "$ref" in node and node["$ref"] not in seen:
            seen.add(node["$ref"])
            node = spec["components"]["schemas"].get(str(node["$ref"]).rsplit("/", 1)[-1])
        return node

    for op in added_ops:
        obj = added_objs[op.name][0]
        if obj is not spec["paths"][op.path][op.method]:
            count("operations written as x-variants")
        for media in ((obj.get("requestBody") or {}).get("content") or {}):
            essence = str(media).split(";")[0].strip().lower()
            if essence != "application/json":
                count("%s request bodies" % essence)
        if "requestBody" in obj and op.method in ("get", "delete", "head"):
            count("%s with a request body" % op.method.upper())
        for param in obj.get("parameters") or []:
            schema = resolve(param.get("schema"))
            if param.get("in") == "query" and isinstance(schema, dict):
                items = resolve(schema.get("items")) if schema.get("type") == "array" else None
                if schema.get("type") == "object" or (
                        isinstance(items, dict) and items.get("type") in ("object", "array")):
                    count("object-typed query parameters")
        successes = [str(code) for code in obj["responses"] if str(code).startswith("2")]
        if len(successes) > 1:
            count("operations with several 2xx responses")
        for response in obj["responses"].values():
            for media in (response.get("content") or {}):
                essence = str(media).split(";")[0].strip().lower()
                if essence != "application/json":
                    count("%s responses" % essence)
        paging = obj.get("x-pagination")
        if paging is not None:
            style = next(k for k in ("offset", "page", "marker") if k in paging)
            count("x-pagination %s" % style)
            if any(str(k).endswith("_path") for k in paging):
                count("x-pagination with a nested path")
    return ["%s: %d" % (k, counts[k]) for k in sorted(counts)] or ["none"]


CREDENTIALS_EXTENSION = "x-credentials"
VARIANTS_EXTENSION = "x-variants"
AKSK_DESCRIPTION = (
    "AK/SK request signing with the SDK-HMAC-SHA256 algorithm (the default of the official "
    "SDKs). The client adds `X-Sdk-Date` (UTC, `YYYYMMDDTHHMMSSZ`) and `Host`, builds a "
    "canonical request (method, canonical URI with a trailing `/`, canonical query, canonical "
    "headers, signed-headers list, lower-case hex SHA-256 of the body), signs the string "
    "`SDK-HMAC-SHA256\\n<X-Sdk-Date>\\n<hex SHA-256 of canonical request>` with HMAC-SHA256 "
    "keyed by the secret key, and sends `Authorization: SDK-HMAC-SHA256 Access=<AK>, "
    "SignedHeaders=<list>, Signature=<hex>`. %s `X-Security-Token` is sent when temporary "
    "credentials are used.")
AKSK_PROJECT = "`X-Project-Id` is sent when the project ID is known, and"
AKSK_DOMAIN = "`X-Domain-Id` (the account ID) is sent when it is known, and"
TOKEN_DESCRIPTION = (
    "IAM user token: the value of the `X-Subject-Token` response header of IAM's "
    "\"obtaining a user token\" API.")


def import_command(sdk):
    parts = ["python3 tools/sdk_import/import_sdk.py"]
    if sdk.package != DEFAULT_PACKAGE or sdk.version != DEFAULT_VERSION:
        parts.append("--package %s --version %s" % (sdk.package, sdk.version))
    if sdk.api_version != sdk.api_versions[-1]:
        parts.append("--api-version %s" % sdk.api_version)
    parts.append("--all")
    return " ".join(parts)


def servers(sdk, ym):
    """`servers` from the SDK's region class: one server per endpoint template (the region id
    replaced by `{region}`), most regions first; the first server, and any other template that
    two or more regions share, gets the `region` variable with its regions as the enum; other
    endpoints are written as they are, naming their regions in the description."""
    groups = {}
    literal = {}
    for region_id, url in sdk.regions:
        template = url.replace(region_id, "{region}") if region_id in url else url
        groups.setdefault(template, []).append(region_id)
        literal[template] = url
    if not groups:
        groups = {"https://%s.{region}.myhuaweicloud.com" % sdk.service: []}
    order = sorted(groups, key=lambda t: -len(groups[t]))  # stable: SDK order among equals
    out = []
    for index, template in enumerate(order):
        regions = groups[template]
        if index > 0 and len(regions) == 1:
            template = literal[template]
        server = ym.CommentedMap()
        server["url"] = ym.DoubleQuotedScalarString(template)
        if "{region}" in template:
            server["description"] = "%s regional endpoint." % sdk.title
            variable = ym.CommentedMap()
            variable["default"] = "cn-north-4" if "cn-north-4" in regions or not regions \
                else regions[0]
            variable["description"] = "Region ID."
            if regions:
                variable["enum"] = list(regions)
            server["variables"] = ym.CommentedMap([("region", variable)])
        else:
            server["description"] = "%s endpoint of region%s %s." % (
                sdk.title, "s" if len(regions) > 1 else "", ", ".join(regions))
        out.append(server)
    return out


def new_document(sdk, ym):
    """A fresh spec for the SDK's service: everything but paths, tags and schemas."""
    doc = ym.CommentedMap()
    doc["openapi"] = "3.0.3"
    scope = ", a domain-scoped (global) service," if sdk.is_global else ""
    paragraphs = [
        "OpenAPI description of the Huawei Cloud %s %s API%s imported from the "
        "official Python SDK's metadata (`%s` %s, module `%s`) with `%s`. Review and edit it "
        "like a hand-written spec: a later import only adds what is missing."
        % (sdk.title, sdk.api_version, scope, sdk.package, sdk.version, sdk.v1.__name__,
           import_command(sdk)),
        "Requests are authenticated either with an AK/SK signature (`SDK-HMAC-SHA256` in the "
        "`Authorization` header) or with an IAM user token (`X-Auth-Token` header).",
        "Every operation carries the vendor extension `x-idempotent` (boolean): the runtime "
        "retries 5xx responses and timeouts only for operations marked `x-idempotent: true`, "
        "so operations marked `false` are retried only when the request provably never "
        "reached the server.",
    ]
    if sdk.is_global:
        paragraphs.append(
            "`x-credentials: global`: the official SDK calls this service with "
            "GlobalCredentials: requests carry the account (domain) ID in `X-Domain-Id` "
            "instead of a project ID in `X-Project-Id`, and a `{domain_id}` path parameter "
            "left unset is the account's ID.")
    info = ym.CommentedMap()
    info["title"] = sdk.title
    info["version"] = sdk.api_version
    info["description"] = ym.LiteralScalarString("\n\n".join(paragraphs))
    doc["info"] = info
    doc["servers"] = servers(sdk, ym)
    if sdk.is_global:
        doc[CREDENTIALS_EXTENSION] = "global"
    doc["security"] = [ym.CommentedMap([("aksk", [])]), ym.CommentedMap([("token", [])])]
    doc["tags"] = []
    doc["paths"] = ym.CommentedMap()
    schemes = ym.CommentedMap()
    schemes["aksk"] = ym.CommentedMap([
        ("type", "apiKey"), ("in", "header"), ("name", "Authorization"),
        ("description", ym.LiteralScalarString(
            AKSK_DESCRIPTION % (AKSK_DOMAIN if sdk.is_global else AKSK_PROJECT)))])
    schemes["token"] = ym.CommentedMap([
        ("type", "apiKey"), ("in", "header"), ("name", "X-Auth-Token"),
        ("description", TOKEN_DESCRIPTION)])
    doc["components"] = ym.CommentedMap([("securitySchemes", schemes),
                                          ("schemas", ym.CommentedMap())])
    return doc


def run(args):
    spec_path = Path(args.spec)
    ym = YamlMod()
    if args.new or not spec_path.exists():
        original = None
        spec = None
    else:
        original = spec_path.read_text(encoding="utf-8")
        spec = ym.load(original)
    # The API version: --api-version, else the one an existing spec declares (`info.version`
    # such as `v1`, when the SDK has that module), else the SDK's newest.
    api_version = args.api_version
    if api_version is None and spec is not None:
        declared_version = str((spec.get("info") or {}).get("version") or "")
        if re.fullmatch(r"v\d+", declared_version):
            api_version = declared_version
    sdk = Sdk(args.package, api_version)
    if args.list:
        for op in sdk.operations:
            print(op.name)
        return 0
    if args.all:
        wanted = [op.name for op in sdk.operations]
    else:
        unknown = [n for n in args.operations if n not in sdk.by_name]
        if unknown:
            print("import_sdk.py: not SDK operations: %s (see --list)" % ", ".join(unknown),
                  file=sys.stderr)
            return 2
        wanted = list(dict.fromkeys(args.operations))
    if spec is None:
        spec = new_document(sdk, ym)
    added_credentials = False
    if sdk.is_global and CREDENTIALS_EXTENSION not in spec:
        keys = list(spec.keys())
        spec.insert(keys.index("servers") + 1 if "servers" in keys else len(keys),
                    CREDENTIALS_EXTENSION, "global")
        added_credentials = True
    if spec.get("paths") is None:
        spec["paths"] = ym.CommentedMap()
    components = spec.setdefault("components", ym.CommentedMap())
    schemas = components.setdefault("schemas", ym.CommentedMap())
    paths = spec["paths"]

    existing_ids = {}
    for path, item in paths.items():
        for method, obj in (item or {}).items():
            if isinstance(obj, dict) and "operationId" in obj:
                existing_ids[obj["operationId"]] = (method, path)
                for variant in obj.get(VARIANTS_EXTENSION) or []:
                    if isinstance(variant, dict) and "operationId" in variant:
                        existing_ids[variant["operationId"]] = (method, path)

    builder = Builder(sdk, list(schemas.keys()), ym)
    added_ops, skipped_ops, new_paths, variants = [], [], {}, []
    added_objs = {}  # operation name -> (operation object, path item or None while new)
    for name in wanted:
        op = sdk.by_name[name]
        if name in existing_ids:
            skipped_ops.append("%s (operationId exists at %s %s)" % (
                name, existing_ids[name][0].upper(), existing_ids[name][1]))
            continue
        item = paths.get(op.path)
        if item is not None and op.method in item:
            target = item[op.method]
        else:
            target = new_paths.get(op.path, {}).get(op.method)
        if target is not None:
            # The SDK splits some HTTP operations into several by body or parameters
            # (`/v3/auth/tokens`: a token by password, by agency...). An operation that
            # another SDK operation already holds the path and method of is written under
            # its `x-variants`; a hand-written operation there (not an SDK name) is left
            # alone as before.
            holder = str(target.get("operationId"))
            if holder not in sdk.by_name:
                skipped_ops.append("%s (%s %s exists as %s)" % (
                    name, op.method.upper(), op.path, holder))
                continue
            obj = builder.operation(op)
            target.setdefault(VARIANTS_EXTENSION, []).append(obj)
            variants.append("%s (of %s)" % (name, holder))
            added_objs[name] = (obj, None)
            added_ops.append(op)
            continue
        obj = builder.operation(op)
        if item is not None:
            item[op.method] = obj  # appended after the hand-written methods
        else:
            new_paths.setdefault(op.path, {})[op.method] = obj
        added_objs[name] = (obj, None)
        added_ops.append(op)
    for path in sorted(new_paths):
        item = ym.CommentedMap()
        for method in sorted(new_paths[path], key=HTTP_METHOD_ORDER.index):
            item[method] = new_paths[path][method]
        paths[path] = item
    for name in list(added_objs):
        added_objs[name] = (added_objs[name][0], paths[sdk.by_name[name].path])
    for name in sorted(n for n in builder.new_schemas):
        schemas[name] = builder.new_schemas[name]

    # x-pagination for the added operations, decided as mark_pagination.py decides (once
    # their schemas are in the spec, so that `$ref`s resolve).
    # SecMaster keeps to the styles its generator reads (item offsets, top-level names);
    # other services get every style the request and response shapes show.
    paged, unpaged = add_pagination(spec, added_ops, added_objs, ym,
                                    all_styles=sdk.package != DEFAULT_PACKAGE)

    declared = spec.setdefault("tags", [])
    known = {t["name"] for t in declared}
    used = sorted({tag_for(op.path, sdk.service) for op in added_ops} - known)
    for tag in used:
        declared.append(ym.CommentedMap([
            ("name", tag),
            ("description", "%s operations (imported from %s)." % (tag, sdk.package))]))

    for line in sdk.warnings:
        if any(line.startswith(op.name + ":") for op in added_ops):
            print("warning: " + line)
    print("SDK %s %s (%s, %s, %s): %d operations" % (
        sdk.package, sdk.version, sdk.v1.__name__, sdk.client_name,
        "global: GlobalCredentials" if sdk.is_global else sdk.credentials[0],
        len(sdk.operations)))
    if original is None:
        print("new document: title %s, %d servers, %d regions%s" % (
            spec["info"]["title"], len(spec["servers"]), len(sdk.regions),
            ", x-credentials: global" if sdk.is_global else ""))
    elif added_credentials:
        print("added x-credentials: global")
    print("added %d operations: %s" % (len(added_ops), " ".join(o.name for o in added_ops) or "-"))
    print("skipped %d operations that already exist: %s"
          % (len(skipped_ops), "; ".join(skipped_ops) or "-"))
    print("added %d schemas: %s" % (len(builder.new_schemas),
                                    " ".join(sorted(builder.new_schemas)) or "-"))
    print("kept %d existing schemas the SDK also names: %s"
          % (len(builder.skipped_schemas), " ".join(sorted(builder.skipped_schemas)) or "-"))
    print("added %d tags: %s" % (len(used), " ".join(used) or "-"))
    print("marked %d added operations with x-pagination: %s"
          % (len(paged), " ".join(paged) or "-"))
    for line in unpaged:
        print("not paged: " + line)
    if variants:
        print("added %d operations as x-variants of another with the same method and path: %s"
              % (len(variants), "; ".join(variants)))
    for line in constructs(spec, added_ops, added_objs):
        print("constructs: " + line)

    text = ym.dump(spec)
    if text == original:
        print("%s unchanged" % spec_path)
    else:
        spec_path.parent.mkdir(parents=True, exist_ok=True)
        spec_path.write_text(text, encoding="utf-8")
        print("wrote %s" % spec_path)
    return 0


if __name__ == "__main__":
    ARGS = parse_args(sys.argv[1:])
    ensure_venv_and_reexec(ARGS)
    sys.exit(run(ARGS))

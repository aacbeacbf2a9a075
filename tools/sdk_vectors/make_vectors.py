#!/usr/bin/env python3
"""Record what Huawei Cloud's official Python SDK puts on the wire for every operation of a service.

Usage (from the repository root; paths are relative to it):

    python3 tools/sdk_vectors/make_vectors.py                  # SecMaster -> tests/vectors/secmaster.json
    python3 tools/sdk_vectors/make_vectors.py --package huaweicloudsdkecs --client EcsClient \\
        --spec spec/ecs.yaml --out tests/vectors/ecs.json

Bootstrap (same scheme as tools/sdk_import/import_sdk.py and tests/signing/make_vectors.py,
through tools/scratch_venv.py): a scratch virtualenv outside the repository at
`${TMPDIR:-/tmp}/sdkvectors-<service>-venv` (override with SDKVECTORS_<SERVICE>_VENV) gets
the pinned packages (CORE_PINS plus `<package>==<--sdk-version>`) from PyPI and the script
re-executes itself inside it, with HOME pointed into the venv.

What it does (see README.md next to this file):
- starts a recording HTTP/1.1 server on 127.0.0.1:<--port> in a thread; it keeps, for each
  request, the method, the raw request target split at the first `?`, every header (names
  lower-cased, values as received, duplicates as a list) and the body bytes, and answers
  with the response prepared for the case;
- builds a real client: `<Client>.new_builder().with_credentials(BasicCredentials(AK, SK,
  PROJECT_ID)).with_endpoints(["http://127.0.0.1:<port>"]).with_http_config(HttpConfig(
  retry_times=0, ignore_ssl_verification=True, user_agent=""))`, with the signer's clock
  fixed at 2024-01-01T00:00:00Z and the multipart boundary fixed;
- for every `_<snake>_http_info` classmethod of the client (source order, as the importer
  finds them) sends two cases with the SDK's public method `client.<snake>(request)`:
  `full` (every request attribute and every body field, recursively) and `required` (the
  attributes that the importer's `required_attributes` calls required, recursively; the
  body attribute is always given, reduced to its required fields, see README.md);
- serves a response shaped like the SDK's response model (every field set; header fields
  as response headers; stream responses as a few octet-stream bytes) and checks that the
  SDK's own deserialization gave back every served value;
- writes the JSON document (--out). Anything that could not be driven or checked is listed
  at the end and makes the exit status 1; such a case is still written with
  `"sdk_decoded": false` when a request was recorded.
Synthetic values come from random.Random seeded with "<SEED>/<operation>/<case>/<part>";
the spec (--spec) is read only for enum values, formats and to find the schema node that
an SDK attribute corresponds to (by path + method, parameter `in` + name, property name).
"""

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent.resolve()

SDK_VERSION = "3.1.219"
CORE_PINS = [
    "huaweicloudsdkcore==" + SDK_VERSION,
    "requests==2.34.2",
    "urllib3==2.8.0",
    "simplejson==4.3.0",
    "ruamel.yaml==0.19.1",
]

SEED = "sdk-vectors-1"
AK = "VECTORAK0000000000000"
SK = "VectorSecretKey0000000000000000000000000"
PROJECT_ID = "0123456789abcdef0123456789abcdef"
DATE = "20240101T000000Z"
DEFAULT_PORT = 47301
BOUNDARY = "0b5e55ed0b5e55ed0b5e55ed0b5e55ed"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="make_vectors.py",
        description="Record the HTTP requests the official Huawei Cloud Python SDK sends.")
    parser.add_argument("--package", default="huaweicloudsdksecmaster",
                        help="SDK service package (default: huaweicloudsdksecmaster)")
    parser.add_argument("--client", default="SecMasterClient",
                        help="client class in the package (default: SecMasterClient)")
    parser.add_argument("--module", default=None,
                        help="module holding the client and models (default: the first of "
                             "<package>.v1 .. v5 that has --client)")
    parser.add_argument("--sdk-version", default=SDK_VERSION,
                        help="version of the service package and of huaweicloudsdkcore "
                             "(default: %s)" % SDK_VERSION)
    parser.add_argument("--spec", default=None,
                        help="OpenAPI spec for enums/formats (default: spec/secmaster.yaml "
                             "for SecMaster, else spec/<service>.yaml)")
    parser.add_argument("--out", default=None,
                        help="output file (default: tests/vectors/<service>.json)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help="fixed local port; it is part of the signed Host header "
                             "(default: %d)" % DEFAULT_PORT)
    parser.add_argument("--only", nargs="*", default=None, metavar="OPERATION",
                        help="drive only these operations (for debugging; does not write --out "
                             "unless --out is given)")
    args = parser.parse_args(argv)
    args.service = args.package[len("huaweicloudsdk"):] if args.package.startswith(
        "huaweicloudsdk") else args.package
    args.explicit_out = args.out is not None
    if args.spec is None:
        args.spec = "spec/%s.yaml" % args.service
    if args.out is None:
        args.out = "tests/vectors/%s.json" % args.service
    return args


def ensure_venv_and_reexec(args) -> None:
    sys.dont_write_bytecode = True  # no __pycache__ in the repository
    sys.path.insert(0, str(REPO_ROOT / "tools"))
    import scratch_venv

    pins = [p if not p.startswith("huaweicloudsdkcore==") else
            "huaweicloudsdkcore==" + args.sdk_version for p in CORE_PINS]
    pins.insert(1, "%s==%s" % (args.package, args.sdk_version))
    scratch_venv.ensure(__file__, pins, "sdkvectors-%s-venv" % args.service)


# --------------------------------------------------------------------------------------
# Recording server.

def start_server(port):
    import http.server
    import threading

    state = {"lock": threading.Lock(), "next": None, "records": []}

    class Recorder(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _read_body(self):
            te = (self.headers.get("Transfer-Encoding") or "").lower()
            if "chunked" in te:
                chunks = []
                while True:
                    size_line = self.rfile.readline()
                    size = int(size_line.split(b";")[0].strip(), 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        break
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                return b"".join(chunks)
            length = self.headers.get("Content-Length")
            return self.rfile.read(int(length)) if length else b""

        def _handle(self):
            line = self.raw_requestline.rstrip(b"\r\n")
            method, target, _version = line.split(b" ", 2)
            raw_path, sep, raw_query = target.partition(b"?")
            headers = {}
            for name, value in self.headers.raw_items():
                raw = value.encode("latin-1")
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    text = value
                key = name.lower()
                if key in headers:
                    if not isinstance(headers[key], list):
                        headers[key] = [headers[key]]
                    headers[key].append(text)
                else:
                    headers[key] = text
            body = self._read_body()
            with state["lock"]:
                state["records"].append({
                    "method": method.decode("ascii"),
                    "path": raw_path.decode("latin-1"),
                    "query": raw_query.decode("latin-1") if sep else "",
                    "headers": headers,
                    "body": body,
                })
                prepared = state["next"]
            if prepared is None:
                prepared = {"status": 500, "headers": [("Content-Type", "application/json")],
                            "body": b'{"error_msg": "no response prepared"}'}
            self.send_response_only(prepared["status"])
            for name, value in prepared["headers"]:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(prepared["body"])))
            self.end_headers()
            self.wfile.write(prepared["body"])
            self.wfile.flush()

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _handle

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    try:
        server = Server(("127.0.0.1", port), Recorder)
    except OSError as exc:
        raise SystemExit("make_vectors.py: cannot listen on 127.0.0.1:%d (%s); pick another "
                         "--port (the port is part of the signed Host header)" % (port, exc))
    thread = threading.Thread(target=server.serve_forever, name="recorder", daemon=True)
    thread.start()
    return server, state


# --------------------------------------------------------------------------------------
# Spec lookups (enum values, formats, which schema node an SDK attribute is).

class Spec:
    def __init__(self, path):
        self.doc = {}
        self.missing = []
        if path is not None and Path(path).exists():
            from ruamel.yaml import YAML
            self.doc = YAML(typ="safe", pure=True).load(Path(path).read_text(encoding="utf-8"))

    def resolve(self, node):
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 50:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                return None
            cur = self.doc
            for part in ref[2:].split("/"):
                cur = (cur or {}).get(part.replace("~1", "/").replace("~0", "~"))
            node = cur
            seen += 1
        return node if isinstance(node, dict) else None

    def merged(self, node):
        """Resolves $ref and folds allOf into one dict (properties united)."""
        node = self.resolve(node)
        if node is None:
            return None
        if "allOf" not in node:
            return node
        out = {k: v for k, v in node.items() if k != "allOf"}
        props = dict(out.get("properties") or {})
        for part in node["allOf"]:
            part = self.merged(part) or {}
            for k, v in part.items():
                if k == "properties":
                    for pk, pv in v.items():
                        props.setdefault(pk, pv)
                else:
                    out.setdefault(k, v)
        if props:
            out["properties"] = props
        return out

    def operation(self, method, path):
        item = (self.doc.get("paths") or {}).get(path) or {}
        return item, item.get(method.lower())

    def parameter(self, item, op, location, name):
        for param in list((op or {}).get("parameters") or []) + list(item.get("parameters") or []):
            param = self.resolve(param)
            if param and param.get("in") == location and param.get("name", "").lower() == name.lower():
                return self.merged(param.get("schema"))
        return None

    def media_schema(self, holder):
        holder = self.resolve(holder)
        if not holder:
            return None
        content = holder.get("content") or {}
        for media in content.values():
            if isinstance(media, dict) and "schema" in media:
                return self.merged(media["schema"])
        return None

    def request_schema(self, op):
        return self.media_schema((op or {}).get("requestBody"))

    def response_schema(self, op):
        responses = (op or {}).get("responses") or {}
        for status in sorted(str(s) for s in responses):
            if status.startswith("2"):
                return self.media_schema(responses.get(status, responses.get(int(status))))
        return None

    def prop(self, schema, wire):
        schema = self.merged(schema)
        if not schema:
            return None
        return self.merged((schema.get("properties") or {}).get(wire))

    def items(self, schema):
        schema = self.merged(schema)
        return self.merged(schema.get("items")) if schema else None

    def additional(self, schema):
        schema = self.merged(schema)
        if not schema or not isinstance(schema.get("additionalProperties"), dict):
            return None
        return self.merged(schema["additionalProperties"])


# --------------------------------------------------------------------------------------
# Synthetic values.

TRICKY = ["a/b c", "p%q+r", "k&v=w", "é中", "x y/%+&=é中"]
TRICKY_ASCII = ["a/b c", "p%q+r", "k&v=w"]
WORDS = ["alpha", "bravo", "delta", "echo", "kilo", "lima", "oscar", "sierra", "tango", "zulu"]
FRACTIONS = [0.25, 0.5, 0.125, 0.375, 0.75, 0.625]


class Gen:
    """One case's value source. `full` picks every field, else only required ones.
    `mode` is "request" (Python values for SDK models) or "response" (JSON values)."""

    def __init__(self, ctx, rng, full, mode):
        self.ctx = ctx
        self.rng = rng
        self.full = full
        self.mode = mode
        # The suffix rotation starts at a per-case offset, so that every position (path,
        # query, header, body) gets each kind of awkward character somewhere.
        self.n = {"str": rng.randrange(len(TRICKY)), "int": 0, "bool": 0}

    # scalars ----------------------------------------------------------------------------
    def string(self, stem, ascii_only=False):
        pool = TRICKY_ASCII if ascii_only else TRICKY
        k = self.n["str"]
        self.n["str"] += 1
        return "%s-%s-%d %s" % (stem, self.rng.choice(WORDS), self.rng.randint(0, 999),
                                pool[k % len(pool)])

    def integer(self):
        k = self.n["int"]
        self.n["int"] += 1
        if k % 2 == 0:
            return self.rng.randint(1, 500)
        return 2 ** 31 + self.rng.randint(1, 2 ** 33)

    def number(self):
        return self.rng.randint(1, 9999) + self.rng.choice(FRACTIONS)

    def boolean(self):
        k = self.n["bool"]
        self.n["bool"] += 1
        first = self.full
        return first if k % 2 == 0 else not first

    def datetime_value(self):
        import datetime as dt
        value = dt.datetime(2024, self.rng.randint(1, 12), self.rng.randint(1, 28),
                            self.rng.randint(0, 23), self.rng.randint(0, 59),
                            self.rng.randint(0, 59), tzinfo=dt.timezone.utc)
        if self.mode == "request":
            return value
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")

    def date_value(self):
        import datetime as dt
        value = dt.date(2024, self.rng.randint(1, 12), self.rng.randint(1, 28))
        return value if self.mode == "request" else value.isoformat()

    def free_object(self):
        # Keys deliberately not sorted: reveals whether key order is kept.
        return {"zeta": self.rng.randint(1, 99), "alpha": self.string("obj"),
                "mid": {"yes": self.boolean(), "b": [self.rng.randint(1, 9), self.number()]}}

    def formatted_string(self, schema):
        fmt = (schema or {}).get("format")
        if fmt == "date-time":
            import datetime as dt
            return dt.datetime(2024, self.rng.randint(1, 12), self.rng.randint(1, 28),
                               self.rng.randint(0, 23), 0, 0).strftime("%Y-%m-%dT%H:%M:%SZ")
        if fmt == "date":
            return "2024-%02d-%02d" % (self.rng.randint(1, 12), self.rng.randint(1, 28))
        return None

    # any SDK type -------------------------------------------------------------------------
    def value(self, t, schema, stem, stack, ascii_only=False):
        import re
        t = t.strip()
        schema = self.ctx.spec.merged(schema) if schema else None
        enum = (schema or {}).get("enum")
        if enum and t in ("str", "int", "float", "bool"):
            return self.rng.choice(list(enum))
        if t == "str":
            return self.formatted_string(schema) or self.string(stem, ascii_only)
        if t == "int":
            return self.integer()
        if t == "float":
            return self.number()
        if t == "bool":
            return self.boolean()
        if t == "object":
            return self.free_object()
        if t == "datetime":
            return self.datetime_value()
        if t == "date":
            return self.date_value()
        if t == "file":
            return self.ctx.form_file(self.full)
        match = re.match(r"^list\[(.*)\]$", t)
        if match:
            count = self.rng.choice([2, 3]) if len(stack) <= 1 else 2
            items = self.ctx.spec.items(schema)
            out = []
            for _ in range(count):
                item = self.value(match.group(1), items, stem, stack, ascii_only)
                if item is not None:
                    out.append(item)
            # Scalar arrays are never in sorted order: reveals whether order is kept.
            if len(out) > 1 and all(isinstance(v, (str, int, float)) for v in out) \
                    and len({type(v) for v in out}) == 1 and out == sorted(out):
                out.reverse()
            return out
        match = re.match(r"^dict\(([^,]*), (.*)\)$", t)
        if match:
            inner = self.ctx.spec.additional(schema)
            out = {}
            for key in ("zeta", "alpha"):
                value = self.value(match.group(2), inner, key, stack, ascii_only)
                # A recursive model's inner copy is left out: no entry rather than `null`.
                if value is not None:
                    out[key] = value
            return out
        if re.match(r"^[A-Z]\w*$", t):
            return self.model(t, schema, stack)
        raise ValueError("unknown SDK type %r" % t)

    def model(self, name, schema, stack, skip_wires=()):
        model = self.ctx.model(name)
        if not model.types:
            if model.constants:
                return self.rng.choice(model.constants)
            return {} if self.mode == "response" else model.klass()
        if name in stack:
            self.ctx.cycles.add(" > ".join(stack + [name]))
            return None
        stack = stack + [name]
        fields = {}
        for attr, t in model.types.items():
            wire = model.wire[attr]
            if wire in skip_wires:
                continue
            if not self.full and attr not in model.required:
                continue
            value = self.value(t, self.ctx.spec.prop(schema, wire), wire, stack)
            if value is None:
                continue
            fields[attr] = value
        if self.mode == "response":
            return {model.wire[a]: v for a, v in fields.items()}
        instance = model.klass()
        for attr, value in fields.items():
            setattr(instance, attr, value)
        return instance


# --------------------------------------------------------------------------------------
# Driving the SDK.

class Model:
    def __init__(self, klass, required_attributes):
        import re
        self.klass = klass
        self.types = dict(getattr(klass, "openapi_types", {}) or {})
        self.wire = dict(getattr(klass, "attribute_map", {}) or {})
        self.required = required_attributes(klass) if self.types else set()
        self.constants = []
        if not self.types:
            for key, value in vars(klass).items():
                if re.match(r"^_?[A-Z0-9_]+$", key) and isinstance(value, (str, int, float, bool)):
                    self.constants.append(value)


class Context:
    def __init__(self, args):
        import importlib
        import inspect
        import re
        sys.path.insert(0, str(REPO_ROOT / "tools" / "sdk_import"))
        sys.dont_write_bytecode = True  # no __pycache__ in the repository
        from import_sdk import required_attributes  # the importer's own "required" analysis
        self.required_attributes = required_attributes
        modules = [args.module] if args.module else ["%s.v%d" % (args.package, i)
                                                     for i in range(1, 6)]
        self.module = None
        for name in modules:
            try:
                mod = importlib.import_module(name)
            except ImportError:
                continue
            if hasattr(mod, args.client):
                self.module = mod
                break
        if self.module is None:
            raise SystemExit("make_vectors.py: no module of %s has %s" % (args.package, args.client))
        self.client_class = getattr(self.module, args.client)
        self.spec = Spec(REPO_ROOT / args.spec if not Path(args.spec).is_absolute() else args.spec)
        if not self.spec.doc:
            print("warning: spec %s not found; no enum values or formats are used" % args.spec)
        self.models = {}
        source = inspect.getsource(self.client_class)
        self.snakes = re.findall(r"def _(\w+)_http_info\(cls", source)
        self.file_counter = 0
        self.cycles = set()  # model chains cut where a model would contain itself

    def model(self, name):
        if name not in self.models:
            klass = getattr(self.module, name, None)
            if klass is None or not hasattr(klass, "openapi_types"):
                raise ValueError("SDK has no model class %r" % name)
            self.models[name] = Model(klass, self.required_attributes)
        return self.models[name]

    def op_name(self, snake):
        import inspect
        import re
        doc = inspect.getdoc(getattr(self.client_class, snake)) or ""
        match = re.search(r"Request instance for (\w+)", doc)
        if match:
            return match.group(1)
        return "".join(p[:1].upper() + p[1:] for p in snake.split("_") if p)

    def form_file(self, full):
        from huaweicloudsdkcore.http.formdata import FormFile
        import io

        class NamedBytes(io.BytesIO):
            def __init__(self, data, name):
                super().__init__(data)
                self.name = name
                self.mode = "rb"

        self.file_counter += 1
        if full:
            # Not UTF-8 on purpose (a zip-like header): the body is then recorded as base64.
            data = b"PK\x03\x04vector\x00\xff\xfe-file-%d\n" % self.file_counter
            name = "vector upload é %d.zip" % self.file_counter
        else:
            data = ("id,name\n%d,vector é 中\n" % self.file_counter).encode("utf-8")
            name = "vector-%d.csv" % self.file_counter
        return FormFile(NamedBytes(data, name))


def jsonable(value):
    """SDK-serialised values -> JSON values (FormFile -> filename + base64)."""
    import base64
    import datetime as dt
    import decimal
    from huaweicloudsdkcore.http.formdata import FormFile
    from huaweicloudsdkcore.utils.http_utils import sanitize_for_serialization
    if isinstance(value, FormFile):
        f = value._file
        pos = f.tell()
        f.seek(0)
        data = f.read()
        f.seek(pos)
        return {"filename": value.name, "content_base64": base64.b64encode(data).decode("ascii")}
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "openapi_types"):
        return jsonable(sanitize_for_serialization(value))
    return value


def compare(ctx, decoded, served, t, where, problems):
    """Checks that the SDK's decoded value carries the served JSON value of SDK type t."""
    import datetime as dt
    import re
    t = t.strip()
    if served is None:
        if decoded is not None:
            problems.append("%s: expected None, got %r" % (where, decoded))
        return
    match = re.match(r"^list\[(.*)\]$", t)
    if match:
        if not isinstance(decoded, list) or len(decoded) != len(served):
            problems.append("%s: list not decoded (%r)" % (where, decoded))
            return
        for i, (d, s) in enumerate(zip(decoded, served)):
            compare(ctx, d, s, match.group(1), "%s[%d]" % (where, i), problems)
        return
    match = re.match(r"^dict\(([^,]*), (.*)\)$", t)
    if match:
        if not isinstance(decoded, dict) or list(decoded) != list(served):
            problems.append("%s: map not decoded (%r)" % (where, decoded))
            return
        for k in served:
            compare(ctx, decoded[k], served[k], match.group(2), "%s[%s]" % (where, k), problems)
        return
    if t in ("datetime", "date"):
        # huaweicloudsdkcore parses these with python-dateutil, which it does not depend on:
        # without it the SDK warns (ImportWarning) and keeps the served string.
        if isinstance(decoded, str):
            ok = decoded == served
        elif t == "datetime":
            from dateutil.parser import parse
            ok = isinstance(decoded, dt.datetime) and decoded == parse(served)
        else:
            ok = isinstance(decoded, dt.date) and decoded.isoformat() == served
        if not ok:
            problems.append("%s: %s %r decoded as %r" % (where, t, served, decoded))
        return
    if t in ("str", "int", "float", "bool", "object"):
        if decoded != served or isinstance(decoded, bool) != isinstance(served, bool):
            problems.append("%s: %r decoded as %r" % (where, served, decoded))
        return
    model = ctx.model(t)
    if not model.types:
        if decoded != served and served != {}:
            problems.append("%s: enum %r decoded as %r" % (where, served, decoded))
        return
    if not isinstance(decoded, model.klass):
        problems.append("%s: %s not decoded (%r)" % (where, t, decoded))
        return
    for attr, at in model.types.items():
        wire = model.wire[attr]
        if wire in served:
            compare(ctx, getattr(decoded, attr), served[wire], at, where + "." + wire, problems)


def drive(args, ctx, server, state, client, snake, case, errors):
    import base64
    import random
    import uuid

    import simplejson
    from huaweicloudsdkcore.sdk_stream_request import SdkStreamRequest
    from huaweicloudsdkcore.sdk_stream_response import SdkStreamResponse
    from huaweicloudsdkcore.utils.http_utils import sanitize_for_serialization

    name = ctx.op_name(snake)
    full = case == "full"
    request_model = ctx.model(name + "Request")
    if issubclass(request_model.klass, SdkStreamRequest):
        raise ValueError("stream (octet-stream upload) requests are not supported")
    # Where each attribute lands: the importer's sentinel trick on the classmethod.
    probe = request_model.klass()
    sentinels = {}
    for attr in request_model.types:
        sentinels[attr] = object()
        setattr(probe, attr, sentinels[attr])
    info = getattr(ctx.client_class, "_%s_http_info" % snake)(probe)
    by_id = {id(v): a for a, v in sentinels.items()}
    where = {}
    for wire, v in info["path_params"].items():
        if id(v) in by_id:
            where[by_id[id(v)]] = ("path", wire)
    for wire, v in info["query_params"]:
        if id(v) in by_id:
            where[by_id[id(v)]] = ("query", wire)
    for wire, v in info["header_params"].items():
        if id(v) in by_id:
            where[by_id[id(v)]] = ("header", wire)
    for wire, v in (info.get("post_params") or {}).items():
        if id(v) in by_id:
            where[by_id[id(v)]] = ("form", wire)
    if id(info["body"]) in by_id:
        where[by_id[id(info["body"])]] = ("body", "body")
    lost = [a for a in request_model.types if a not in where]
    if lost:
        raise ValueError("request attributes sent nowhere: %s" % ", ".join(lost))
    content_type = info["header_params"].get("Content-Type", "")
    multipart = content_type.startswith("multipart/form-data")

    spec_item, spec_op = ctx.spec.operation(info["method"], info["resource_path"])
    if ctx.spec.doc and spec_op is None:
        ctx.spec.missing.append("%s: %s %s not in the spec" % (name, info["method"],
                                                                info["resource_path"]))

    # --- request -----------------------------------------------------------------------
    rng = random.Random("%s/%s/%s/request" % (SEED, name, case))
    gen = Gen(ctx, rng, full, "request")
    request = request_model.klass()
    inputs = {"path": {}, "query": {}, "header": {}, "attributes": {}, "body": None, "form": None}
    for attr, t in request_model.types.items():
        location, wire = where[attr]
        if not full and attr not in request_model.required and location != "body":
            continue
        if location == "body":
            schema = ctx.spec.request_schema(spec_op)
            if multipart:
                # The SDK wraps multipart fields in a body model; the spec lists them flat.
                value = gen.model(t, schema, []) if t[:1].isupper() else gen.value(t, schema, "body", [])
            else:
                value = gen.value(t, schema, "body", [])
            setattr(request, attr, value)
            inputs["attributes"][attr] = wire
            serial = jsonable(sanitize_for_serialization(value))
            if multipart:
                inputs["form"] = serial
            else:
                inputs["body"] = serial
            continue
        if location == "path" and wire == "project_id":
            value = PROJECT_ID
        else:
            schema = ctx.spec.parameter(spec_item, spec_op, location, wire)
            if ctx.spec.doc and spec_op is not None and schema is None:
                ctx.spec.missing.append("%s: %s parameter %s not in the spec" % (name, location, wire))
            # Header values get the same strings, non-ASCII included: the SDK sends them as
            # raw UTF-8 bytes (see README.md).
            value = gen.value(t, schema, wire, [])
        setattr(request, attr, value)
        inputs["attributes"][attr] = wire
        inputs[location if location != "form" else "form"][wire] = jsonable(
            sanitize_for_serialization(value))

    # --- response ----------------------------------------------------------------------
    rrng = random.Random("%s/%s/%s/response" % (SEED, name, case))
    rgen = Gen(ctx, rrng, True, "response")
    response_type = info["response_type"]
    response_model = ctx.model(response_type)
    header_wires = list(info.get("response_headers") or [])
    stream = issubclass(response_model.klass, SdkStreamResponse)
    request_id = uuid.UUID(int=rrng.getrandbits(128)).hex
    headers = []
    served_headers = {}
    served_body = None
    if stream:
        raw = b"PK\x03\x04stream-%s\x00\xff" % name.encode("ascii")
        headers.append(("Content-Type", "application/octet-stream"))
    else:
        headers.append(("Content-Type", "application/json"))
        body_attrs = [a for a, w in response_model.wire.items() if w == "body"]
        schema = ctx.spec.response_schema(spec_op)
        if body_attrs:
            served_body = rgen.value(response_model.types[body_attrs[0]], schema, "body", [])
        else:
            served_body = rgen.model(response_type, schema, [], skip_wires=header_wires)
            if served_body is None:
                served_body = {}
        raw = simplejson.dumps(served_body, ensure_ascii=False).encode("utf-8")
    headers.append(("X-Request-Id", request_id))
    for wire in header_wires:
        attrs = [a for a, w in response_model.wire.items() if w == wire]
        if wire.lower() == "content-type":
            served_headers[wire] = headers[0][1]
        elif wire.lower() == "x-request-id":
            served_headers[wire] = request_id
        else:
            t = response_model.types[attrs[0]] if attrs else "str"
            value = rgen.value(t, None, wire, [], ascii_only=True)
            served_headers[wire] = value if isinstance(value, str) else simplejson.dumps(value)
            headers.append((wire, served_headers[wire]))
    prepared = {"status": 200, "headers": headers, "body": raw}

    # --- send --------------------------------------------------------------------------
    with state["lock"]:
        state["records"].clear()
        state["next"] = prepared
    method = getattr(client, snake)
    problems = []
    result = None
    try:
        result = method(request)
    except Exception as exc:  # recorded, not dropped
        problems.append("SDK call raised %s: %s" % (type(exc).__name__, exc))
    with state["lock"]:
        records = list(state["records"])
        state["records"].clear()
        state["next"] = None
    if len(records) != 1:
        problems.append("expected one request on the wire, saw %d" % len(records))
    if not records:
        errors.append("%s/%s: %s" % (name, case, "; ".join(problems)))
        return None

    # --- check decoding ----------------------------------------------------------------
    if result is not None:
        if stream:
            got = []
            result.consume_download_stream(lambda r: got.append(r.content))
            if got != [raw]:
                problems.append("stream body %r read back as %r" % (raw, got))
        else:
            body_attrs = [a for a, w in response_model.wire.items() if w == "body"]
            if body_attrs:
                compare(ctx, getattr(result, body_attrs[0]), served_body,
                        response_model.types[body_attrs[0]], "body", problems)
            else:
                compare(ctx, result, served_body, response_type, "body", problems)
            for wire, value in served_headers.items():
                attr = [a for a, w in response_model.wire.items() if w == wire][0]
                if getattr(result, attr) != value:
                    problems.append("header %s: %r decoded as %r" % (wire, value,
                                                                      getattr(result, attr)))
            if response_model.types and served_body not in ({}, None) and not result.to_dict():
                problems.append("to_dict() is empty")
        if getattr(result, "status_code", None) != 200:
            problems.append("status_code %r" % getattr(result, "status_code", None))
    if problems:
        errors.append("%s/%s: %s" % (name, case, "; ".join(problems)))

    rec = records[0]
    body = rec["body"]
    wire_request = {"method": rec["method"], "path": rec["path"], "query": rec["query"],
                    "headers": rec["headers"], "body": None}
    if body:
        try:
            wire_request["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            wire_request["body_base64"] = base64.b64encode(body).decode("ascii")
    wire_response = {"status": 200, "headers": {k: v for k, v in headers},
                     "body": served_body}
    wire_response["headers"]["Content-Length"] = str(len(raw))
    if stream:
        wire_response["body_base64"] = base64.b64encode(raw).decode("ascii")
    return {
        "operation": name,
        "case": case,
        "input": inputs,
        "request": wire_request,
        "response": wire_response,
        "sdk_decoded": not problems,
    }


def generate(args):
    import datetime as _dt
    import importlib.metadata as md
    import json
    import os

    for key in list(os.environ):
        if key.lower() in ("http_proxy", "https_proxy", "all_proxy", "netrc", "requests_ca_bundle",
                           "curl_ca_bundle"):
            del os.environ[key]
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

    import requests_toolbelt.multipart.encoder as mp_encoder
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkcore.signer import signer as signer_module

    class FixedClock(_dt.datetime):
        @classmethod
        def utcnow(cls):
            return cls(2024, 1, 1, 0, 0, 0)

    class FixedUuid:
        hex = BOUNDARY

    signer_module.datetime = FixedClock          # X-Sdk-Date 20240101T000000Z
    mp_encoder.uuid4 = lambda: FixedUuid         # multipart boundary

    ctx = Context(args)
    server, state = start_server(args.port)
    endpoint = "http://127.0.0.1:%d" % args.port
    client = ctx.client_class.new_builder() \
        .with_credentials(BasicCredentials(AK, SK, PROJECT_ID)) \
        .with_endpoints([endpoint]) \
        .with_http_config(HttpConfig(retry_times=0, ignore_ssl_verification=True, user_agent="",
                                     timeout=(10, 60))) \
        .build()

    snakes = ctx.snakes
    if args.only:
        wanted = set(args.only)
        snakes = [s for s in snakes if ctx.op_name(s) in wanted]
    print("%s.%s: %d operations" % (ctx.module.__name__, args.client, len(ctx.snakes)))
    errors = []
    cases = []
    for snake in snakes:
        for case in ("full", "required"):
            try:
                vector = drive(args, ctx, server, state, client, snake, case, errors)
            except Exception as exc:
                import traceback
                errors.append("%s/%s: cannot drive: %s: %s" % (ctx.op_name(snake), case,
                                                              type(exc).__name__, exc))
                traceback.print_exc()
                vector = None
            if vector is not None:
                cases.append(vector)
    client.get_http_client().executor.shutdown()
    client.close()
    server.shutdown()

    cases.sort(key=lambda c: (c["operation"], c["case"]))
    ops = {c["operation"] for c in cases}
    per_op = {}
    for c in cases:
        per_op.setdefault(c["operation"], set()).add(c["case"])
    incomplete = sorted(o for o, cs in per_op.items() if cs != {"full", "required"})
    print("cases: %d for %d operations" % (len(cases), len(ops)))
    if incomplete:
        errors.append("operations without both cases: %s" % ", ".join(incomplete))

    core = md.version("huaweicloudsdkcore")
    document_head = {
        "description": (
            "What Huawei Cloud's official Python SDK (%s %s with huaweicloudsdkcore %s) sends "
            "and accepts for every operation of %s, recorded by a local HTTP server. Each case "
            "gives the values handed to the SDK request object (input), the raw request as "
            "received (request: method, raw path and raw query as sent, lower-cased headers, "
            "body), the response served to the SDK (response) and whether the SDK's own "
            "deserialization gave back every served value (sdk_decoded). Endpoint %s, "
            "BasicCredentials with the keys below, signer clock fixed at %s. Regenerate with "
            "`python3 tools/sdk_vectors/make_vectors.py%s`; see tools/sdk_vectors/README.md."
            % (args.package, md.version(args.package), core, args.client, endpoint, DATE,
               "" if args.package == "huaweicloudsdksecmaster" else
               " --package %s --client %s --spec %s --out %s" % (args.package, args.client,
                                                                 args.spec, args.out))),
        "sdk": {"huaweicloudsdkcore": core, args.package: md.version(args.package)},
        "access_key": AK,
        "secret_key": SK,
        "project_id": PROJECT_ID,
        "date": DATE,
        "endpoint": endpoint,
        "generator": "tools/sdk_vectors/make_vectors.py",
    }
    lines = ["{"]
    for key in sorted(list(document_head) + ["cases"]):
        if key == "cases":
            lines.append(' "cases": [')
            for i, case in enumerate(cases):
                text = json.dumps(case, ensure_ascii=False, separators=(",", ":"))
                lines.append("  " + text + ("," if i + 1 < len(cases) else ""))
            lines.append(" ],")
        else:
            lines.append(" %s: %s," % (json.dumps(key), json.dumps(document_head[key], sort_keys=True,
                                                                   ensure_ascii=False)))
    lines[-1] = lines[-1].rstrip(",")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)  # well-formed
    if not args.only or args.explicit_out:
        out = Path(args.out) if Path(args.out).is_absolute() else REPO_ROOT / args.out
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8", newline="\n")
        print("wrote %s (%d bytes)" % (args.out, len(text.encode("utf-8"))))
    if ctx.cycles:
        print("recursive models, the inner occurrence left out (%d):" % len(ctx.cycles))
        for line in sorted(ctx.cycles):
            print("  " + line)
    if ctx.spec.missing:
        print("spec lookups that found nothing (%d; values fell back to the SDK type):"
              % len(ctx.spec.missing))
        for line in sorted(set(ctx.spec.missing))[:50]:
            print("  " + line)
    if errors:
        print("ERRORS (%d):" % len(errors))
        for line in errors:
            print("  " + line)
        return 1
    return 0


if __name__ == "__main__":
    ARGS = parse_args(sys.argv[1:])
    ensure_venv_and_reexec(ARGS)
    sys.exit(generate(ARGS))

#!/usr/bin/env python3
"""Vectors for bodies that are not JSON (multipart forms, octet-stream), made by the official
Python SDK core, for `tests/signing_vectors.rs`.

Run `python3 tests/signing/make_body_vectors.py`: it reuses the scratch virtualenv of
`make_vectors.py` (outside the repository, see `tools/scratch_venv.py`) and rewrites
`tests/signing/body_vectors.json`. Nothing but PyPI is contacted; the SDK never sends a
request.

Each vector is a request built by `huaweicloudsdkcore.client.Client.build_future_request`
(what `do_http_request` calls before sending) with the signer's clock fixed at
2024-01-01T00:00:00Z and requests-toolbelt's multipart boundary fixed (its `uuid4` patched).
Recorded: the headers the signer received (`headers_in`), the headers after signing, the
canonical request, string to sign, signed headers and Authorization (from the signer's own
private methods, as make_vectors.py does), and the exact body bytes the encoder produces
(base64), with their length.
"""

import base64
import json
import sys
import tempfile
from pathlib import Path

PINS = [
    "huaweicloudsdkcore==3.1.219",
    "huaweicloudsdksecmaster==3.1.219",
    "requests==2.34.2",
    "urllib3==2.8.0",
    "simplejson==4.3.0",
]
HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "body_vectors.json"
AK = "AKEXAMPLE"
SK = "SKEXAMPLE"
HOST = "secmaster.cn-north-4.myhuaweicloud.com"
PROJECT = "proj123"
BOUNDARY = "0123456789abcdef0123456789abcdef"
PATH = "/v1/{project_id}/workspaces/{workspace_id}/soc/uploads"


def ensure_venv_and_reexec() -> None:
    sys.path.insert(0, str(HERE.parent.parent.resolve() / "tools"))
    import scratch_venv

    # The same venv and pins as make_vectors.py.
    scratch_venv.ensure(__file__, PINS, "secmaster-sigvec-venv")


def generate():
    import datetime as _dt
    import importlib.metadata as md

    import requests_toolbelt.multipart.encoder as encoder_module
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.client import Client, ClientBuilder
    from huaweicloudsdkcore.http.formdata import FormFile
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkcore.signer import signer as signer_module
    from huaweicloudsdkcore.signer.signer import Signer

    class FixedUuid:
        hex = BOUNDARY

    encoder_module.uuid4 = lambda: FixedUuid()

    class FixedClock(_dt.datetime):
        @classmethod
        def utcnow(cls):
            return cls(2024, 1, 1, 0, 0, 0)

    signer_module.datetime = FixedClock

    capture = {}

    def spy(method_name, key, transform=lambda value: value):
        raw = Signer.__dict__[method_name]
        is_classmethod = isinstance(raw, classmethod)
        original = raw.__func__ if is_classmethod else raw

        def wrapper(self_or_cls, *args, **kwargs):
            result = original(self_or_cls, *args, **kwargs)
            capture[key] = transform(result)
            return result

        setattr(Signer, method_name, classmethod(wrapper) if is_classmethod else wrapper)

    spy("_process_signed_headers", "signed_headers", lambda hs: ";".join(hs))
    spy("_process_canonical_request", "canonical_request")
    spy("_process_string_to_sign", "string_to_sign")
    original_sign = Signer.sign

    def sign_wrapper(self, request):
        capture["headers_in"] = dict(request.header_params)
        return original_sign(self, request)

    Signer.sign = sign_wrapper

    scratch = Path(tempfile.mkdtemp(prefix="body-vectors-"))
    (scratch / "a.txt").write_bytes(b"hello")
    (scratch / "b.bin").write_bytes(bytes(range(16)))
    (scratch / "c.bin").write_bytes(b"raw octet-stream body")

    def file_part(name, content_type=None):
        return FormFile(str(scratch / name), content_type)

    # (name, content type, body, fields as the Rust side rebuilds them)
    cases = [
        ("multipart_text_number_boolean_and_file", "multipart/form-data",
         lambda: {"title": "Quarterly", "size_limit": 10, "overwrite": True,
                  "file": file_part("a.txt", "text/plain")},
         [{"name": "title", "text": "Quarterly"}, {"name": "size_limit", "text": "10"},
          {"name": "overwrite", "text": "true"},
          {"name": "file", "file": "a.txt", "content_type": "text/plain"}]),
        ("multipart_file_without_content_type", "multipart/form-data",
         lambda: {"file": file_part("b.bin")},
         [{"name": "file", "file": "b.bin"}]),
        ("multipart_two_files_after_a_text_field", "multipart/form-data",
         lambda: {"first": file_part("a.txt", "text/plain"), "note": "n",
                  "second": file_part("b.bin")},
         [{"name": "note", "text": "n"},
          {"name": "first", "file": "a.txt", "content_type": "text/plain"},
          {"name": "second", "file": "b.bin"}]),
        ("octet_stream_body", "application/octet-stream",
         lambda: open(scratch / "c.bin", "rb"),
         [{"file": "c.bin"}]),
    ]
    vectors = []
    for name, content_type, body_factory, fields in cases:
        capture.clear()
        client = ClientBuilder(Client) \
            .with_credentials(BasicCredentials(AK, SK, PROJECT)) \
            .with_endpoint("https://" + HOST) \
            .with_http_config(HttpConfig(user_agent="")) \
            .build()
        try:
            body = body_factory()
            signed = client.build_future_request(
                "POST", PATH, {"workspace_id": "ws1"}, [], {"Content-Type": content_type},
                body, {}, None, None, {}, None).result()
            sent = signed.body
            if hasattr(sent, "to_string"):
                data = sent.to_string()
            else:
                data = sent.read()
        finally:
            client.get_http_client().executor.shutdown()
            client.close()
        vectors.append({
            "name": name,
            "ak": AK,
            "sk": SK,
            "host": HOST,
            "path": signed.uri.partition("?")[0],
            "fields": fields,
            "files": {file: base64.b64encode((scratch / file).read_bytes()).decode()
                      for file in sorted({field["file"] for field in fields if "file" in field})},
            "boundary": BOUNDARY if content_type.startswith("multipart/") else None,
            "headers_in": capture["headers_in"],
            "expected": {
                "canonical_request": capture["canonical_request"],
                "string_to_sign": capture["string_to_sign"],
                "signed_headers": capture["signed_headers"],
                "authorization": signed.header_params["Authorization"],
                "signed_request_headers": dict(signed.header_params),
                "body_base64": base64.b64encode(data).decode(),
                "body_length": len(data),
            },
        })
    document = {
        "description": "Signature and body vectors for non-JSON bodies, recorded from Huawei Cloud's official Python SDK. Regenerate with `python3 tests/signing/make_body_vectors.py`; see its docstring.",
        "generator": "tests/signing/make_body_vectors.py",
        "sdk": {package: md.version(package) for package in
                ["huaweicloudsdkcore", "requests-toolbelt", "requests", "urllib3"]},
        "vectors": vectors,
    }
    OUTPUT.write_text(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    print("wrote %s (%d vectors)" % (OUTPUT, len(vectors)))


if __name__ == "__main__":
    ensure_venv_and_reexec()
    generate()

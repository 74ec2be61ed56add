"""Google's own discovery documents, used to reject what the real API would reject.

The documents ship with google-api-python-client (a test-only dependency). Every
request the fake server receives is routed by the document's ``flatPath``, its
query parameters checked against the method's parameters plus the global ones, and
its JSON body checked field by field against the request schema: an unknown field,
a wrong type or a value outside an enum is a 400, worded as Google words it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import googleapiclient

DOCUMENTS = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"


class BadRequest(Exception):
    """A request Google would answer with 400 INVALID_ARGUMENT."""


@dataclass(frozen=True)
class Method:
    api: str  # "sheets" or "drive"
    name: str  # e.g. "spreadsheets.values.batchGet"
    http_method: str
    pattern: re.Pattern[str]
    path_params: tuple[str, ...]
    spec: dict[str, Any]


@dataclass(frozen=True)
class Discovery:
    doc: dict[str, Any]
    methods: tuple[Method, ...]

    @property
    def schemas(self) -> dict[str, Any]:
        return dict(self.doc["schemas"])


@cache
def load(api: str, version: str) -> Discovery:
    doc = json.loads((DOCUMENTS / f"{api}.{version}.json").read_text(encoding="utf-8"))
    methods: list[Method] = []

    def walk(resource: dict[str, Any], prefix: str) -> None:
        for name, spec in resource.get("methods", {}).items():
            flat = doc["servicePath"] + spec["flatPath"]
            names = tuple(re.findall(r"\{(\w+)\}", flat))
            regex = (
                "^/"
                + re.sub(
                    r"\{(\w+)\}",
                    lambda m: f"(?P<{m.group(1)}>[^/]+?)",
                    re.escape(flat).replace(r"\{", "{").replace(r"\}", "}"),
                )
                + "$"
            )
            methods.append(
                Method(api, prefix + name, spec["httpMethod"], re.compile(regex), names, spec)
            )
        for name, sub in resource.get("resources", {}).items():
            walk(sub, f"{prefix}{name}.")

    walk(doc, "")
    # Longer literal paths first, so ".../values:batchGet" wins over ".../values/{range}".
    methods.sort(key=lambda m: -len(m.pattern.pattern.replace("[^/]+?", "")))
    return Discovery(doc, tuple(methods))


def route(api: Discovery, http_method: str, path: str) -> tuple[Method, dict[str, str]] | None:
    for method in api.methods:
        if method.http_method != http_method:
            continue
        match = method.pattern.match(path)
        if match:
            return method, match.groupdict()
    return None


def check_query(api: Discovery, method: Method, query: dict[str, list[str]]) -> None:
    allowed = {**api.doc["parameters"], **method.spec.get("parameters", {})}
    for name, values in query.items():
        spec = allowed.get(name)
        if spec is None or spec.get("location") == "path":
            raise BadRequest(
                f'Invalid JSON payload received. Unknown name "{name}": '
                "Cannot bind query parameter. Field '" + name + "' could not be found in "
                "request message."
            )
        if len(values) > 1 and not spec.get("repeated"):
            raise BadRequest(f"Invalid value at '{name}': repeated value for a single field")
        for value in values:
            _check_scalar(spec, value, name, from_query=True)
    for name, spec in method.spec.get("parameters", {}).items():
        if spec.get("required") and spec.get("location") == "query" and name not in query:
            raise BadRequest(f"'{name}' is required but not specified")


def check_body(api: Discovery, method: Method, body: Any) -> None:
    ref = method.spec.get("request", {}).get("$ref")
    if ref is None:
        if body not in (None, b"", {}):
            raise BadRequest("Invalid JSON payload received. This method takes no body.")
        return
    if not isinstance(body, dict):
        raise BadRequest("Invalid JSON payload received. Expected an object.")
    _check(api.schemas, {"$ref": ref}, body, "")


def _check(schemas: dict[str, Any], spec: dict[str, Any], value: Any, where: str) -> None:
    if "$ref" in spec:
        spec = schemas[spec["$ref"]]
    kind = spec.get("type")
    if value is None:
        return  # JSON null: the field is unset
    if kind == "object" and "properties" in spec:
        if not isinstance(value, dict):
            raise BadRequest(f"Invalid value at '{where}', expected an object")
        props = spec["properties"]
        for key, item in value.items():
            if key not in props:
                at = f" at '{where}'" if where else ""
                raise BadRequest(
                    f'Invalid JSON payload received. Unknown name "{key}"{at}: Cannot find field.'
                )
            _check(schemas, props[key], item, f"{where}.{key}" if where else key)
    elif kind == "object":
        if not isinstance(value, dict):
            raise BadRequest(f"Invalid value at '{where}', expected an object")
        extra = spec.get("additionalProperties")
        if extra:
            for key, item in value.items():
                _check(schemas, extra, item, f"{where}[{key}]")
    elif kind == "array":
        if not isinstance(value, list):
            raise BadRequest(f"Invalid value at '{where}', expected a list")
        for index, item in enumerate(value):
            _check(schemas, spec["items"], item, f"{where}[{index}]")
    elif kind == "any":
        if isinstance(value, dict | list):
            raise BadRequest(
                f"Invalid values[{where}]: "
                + ("struct_value" if isinstance(value, dict) else "list_value")
            )
    else:
        _check_scalar(spec, value, where, from_query=False)


def _check_scalar(spec: dict[str, Any], value: Any, where: str, *, from_query: bool) -> None:
    kind = spec.get("type")
    bad = BadRequest(f"Invalid value at '{where}' ({kind}), {json.dumps(value)}")
    if kind == "string":
        # int64 fields are strings in JSON, but Google accepts numbers for them.
        int64 = spec.get("format") in ("int64", "uint64") and isinstance(value, int)
        if not isinstance(value, str) and not int64:
            raise bad
        if "enum" in spec and value not in spec["enum"]:
            raise bad
    elif kind == "integer":
        if from_query:
            if not re.fullmatch(r"-?\d+", str(value)):
                raise bad
        elif isinstance(value, bool) or not (
            isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"-?\d+", value))
        ):
            raise bad
    elif kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise bad
    elif kind == "boolean":
        if from_query:
            if str(value).lower() not in ("true", "false"):
                raise bad
        elif not isinstance(value, bool):
            raise bad


# -- field masks ---------------------------------------------------------------

Mask = dict[str, "Mask | None"]


def parse_fields(text: str) -> Mask:
    """``a,b(c,d.e)`` -> ``{"a": None, "b": {"c": None, "d": {"e": None}}}``."""
    pos = 0

    def parse_list() -> Mask:
        nonlocal pos
        out: Mask = {}
        while True:
            match = re.compile(r"[A-Za-z_][\w]*(?:[./][A-Za-z_][\w]*)*").match(text, pos)
            if not match:
                raise BadRequest(f"Invalid field selection {text}")
            pos = match.end()
            names = re.split(r"[./]", match.group(0))
            sub: Mask | None = None
            if pos < len(text) and text[pos] == "(":
                pos += 1
                sub = parse_list()
                if pos >= len(text) or text[pos] != ")":
                    raise BadRequest(f"Invalid field selection {text}")
                pos += 1
            node = out
            for name in names[:-1]:
                child = node.get(name)
                if child is None:
                    child = node[name] = {}
                node = child
            last = names[-1]
            if sub is None or node.get(last, {}) is None:
                node[last] = None
            else:
                existing = node.get(last) or {}
                existing.update(sub)
                node[last] = existing
            if pos < len(text) and text[pos] == ",":
                pos += 1
                continue
            return out

    mask = parse_list()
    if pos != len(text):
        raise BadRequest(f"Invalid field selection {text}")
    return mask


def check_fields(schemas: dict[str, Any], ref: str, mask: Mask) -> None:
    def walk(spec: dict[str, Any], sub: Mask, where: str) -> None:
        while "$ref" in spec or spec.get("type") == "array":
            spec = schemas[spec["$ref"]] if "$ref" in spec else spec["items"]
        props = spec.get("properties", {})
        for name, child in sub.items():
            if name not in props:
                raise BadRequest(f"Invalid field selection {where}{name}")
            if child is not None:
                walk(props[name], child, f"{where}{name}.")

    walk(schemas[ref], mask, "")


def apply_fields(value: Any, mask: Mask | None) -> Any:
    if mask is None:
        return value
    if isinstance(value, list):
        return [apply_fields(item, mask) for item in value]
    if isinstance(value, dict):
        return {k: apply_fields(v, mask[k]) for k, v in value.items() if k in mask}
    return value

"""Schemathesis hooks for the Civitas API fuzz: the inputs the OpenAPI document cannot
describe well enough to generate.

A webhook's `url` must be one the server may call: in schema-valid cases it becomes a
loopback address (the test server allows 127.0.0.1/32) on a closed port, so deliveries
fail fast instead of calling hosts made up by the generator.

An upload's `file` must be a real image or document (its type is sniffed from its bytes,
415 otherwise); in schema-valid cases a generated `file` is replaced by a tiny PNG.

`page[after]` is a cursor the server made for one `sort` (`meta.page.next`); any other
string is rightly refused (400 `invalid_cursor`). In schema-valid (positive) cases a
generated cursor is replaced by one made the way the server makes them, for the case's
own `sort`, so the request is valid for real; where there is no `sort` to make it for,
the cursor is left out, and so is `page[number]` beside one (the two exclude each
other). Schema-violating (negative) cases are left as generated: the server must refuse
them.
"""

import base64
import json

import hypothesis.internal.lambda_sources as lambda_sources
import schemathesis

# CPython 3.11 can fail to parse a module's source deep in a stack ("AST constructor
# recursion depth mismatch", fixed in later Pythons). Hypothesis parses source only to
# describe a lambda in its messages; when that fails, describe it as Hypothesis itself
# does when confused, rather than let the generator crash mid-run.
_describe_lambda = lambda_sources._lambda_description


def _described_lambda(f, *args, **kwargs):
    try:
        return _describe_lambda(f, *args, **kwargs)
    except SystemError:
        return "lambda: <unknown>"


lambda_sources._lambda_description = _described_lambda

NO_ENTRY = "0" * 26


def cursor_for(sort):
    given = sort if isinstance(sort, list) else str(sort).split(",")
    # As the server reads `sort`: a field named again has no effect.
    keys, seen = [], set()
    for key in given:
        if key.lstrip("-") not in seen:
            seen.add(key.lstrip("-"))
            keys.append(key)
    payload = {"s": ",".join(keys), "v": [None] * len(keys) + [NO_ENTRY]}
    text = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


# Nothing listens on port 9 (discard) here: a delivery there is refused at once.
CLOSED_LOOPBACK = "http://127.0.0.1:9/hook"

# A 1 x 1 PNG.
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)


@schemathesis.hook
def map_case(context, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return case
    if isinstance(case.body, dict) and "file" in case.body:
        case.body["file"] = TINY_PNG
    if isinstance(case.body, dict) and "url" in case.body and case.path.startswith("/api/v1/admin/webhooks"):
        case.body["url"] = CLOSED_LOOPBACK
    query = case.query
    if not isinstance(query, dict) or "page[after]" not in query:
        return case
    sort = query.get("sort")
    if sort:
        query["page[after]"] = cursor_for(sort)
        query.pop("page[number]", None)
    else:
        del query["page[after]"]
    return case


def leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    else:
        yield value


def empty_form_list(case):
    """Whether a multipart body has an empty list for a part: a form sends each item of a
    list as a part of its own, so an empty list sends no part at all, and the request that
    arrives is valid (the part is optional), though the case was meant to break the
    schema."""
    return (
        (case.media_type or "").startswith("multipart/")
        and isinstance(case.body, dict)
        and any(value == [] for value in case.body.values())
    )


@schemathesis.hook
def filter_case(context, case):
    """Leaves out schema-violating cases whose `filter` holds a value that is not text,
    and multipart ones whose mistake is an empty list (see `empty_form_list`).

    `filter` is a deepObject: every value travels as text (`null` as the word `null`,
    `true` as `true`), so a generated `null` or number in place of a string arrives as a
    perfectly valid string, and cannot be told from one by the server. Cases with other
    mistakes in `filter` (unknown fields or operators, bad text) still run.
    """
    meta = case.meta
    if meta is None or meta.generation.mode.is_positive:
        return True
    if empty_form_list(case):
        return False
    query = case.query if isinstance(case.query, dict) else {}
    conditions = query.get("filter")
    if isinstance(conditions, dict):
        return all(isinstance(leaf, str) for leaf in leaves(conditions))
    return True

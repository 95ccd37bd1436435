"""A cache of the parser's LALR tables, so that importing the parser is cheap.

SLY 0.5 (frozen, pinned) computes its LALR(1) tables every time a parser
class is created, which costs about half a second for Quest's grammar.  The
tables depend only on the grammar, so `CachedTables` stores them in
``parsetab.pickle`` next to this module, keyed by a fingerprint of every
production and precedence rule.  When the grammar changes, the fingerprint no
longer matches: the tables are rebuilt in memory (correct, just slower) until
someone regenerates the file with::

    python -m trioquest.parse_tables

A test fails while the committed file is stale.

This relies on two private names of SLY 0.5 (``_Parser__validate_specification``
and ``_Parser__build_grammar``); sly is pinned to exactly that version.
"""

from __future__ import annotations

import os
import pickle
import zlib
from types import SimpleNamespace

from sly.yacc import YaccError

TABLE_FILE = os.path.join(os.path.dirname(__file__), "parsetab.pickle")
_FORMAT = 1


class CachedTables:
    """Mixin for a SLY Parser: take the LR tables from the cache when it fits."""

    _table_source = "unbuilt"  # "cache" or "built": where the tables came from

    @classmethod
    def _build(cls, definitions):
        rules = [(name, value) for name, value in definitions
                 if callable(value) and hasattr(value, "rules")]
        if not cls._Parser__validate_specification():
            raise YaccError("Invalid parser specification")
        cls._Parser__build_grammar(rules)
        key = grammar_fingerprint(cls._grammar)
        tables = load_tables(key)
        if tables is None:
            cls._Parser__build_lrtables()
            cls._table_source = "built"
        else:
            cls._lrtable = tables
            cls._table_source = "cache"
        cls._table_key = key


def grammar_fingerprint(grammar) -> str:
    """A hash of everything the LR tables depend on."""
    parts = [f"format={_FORMAT}", f"start={grammar.Start}"]
    for prod in grammar.Productions:
        parts.append(f"{prod.name}:{' '.join(prod.prod)}:{prod.prec}")
    parts.append(repr(sorted(grammar.Precedence.items())))
    text = "\n".join(parts).encode()
    # CRC-32 and length: this detects edits to the grammar, it is not security.
    return f"{zlib.crc32(text):08x}-{len(text)}"


def load_tables(key: str, path: str = TABLE_FILE):
    """The cached tables for `key`, or None if absent or stale."""
    try:
        with open(path, "rb") as f:
            data = pickle.load(f)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    return SimpleNamespace(
        lr_action=data["action"],
        lr_goto=data["goto"],
        defaulted_states=data["defaulted"],
        sr_conflicts=data["sr_conflicts"],
        rr_conflicts=data["rr_conflicts"],
    )


def table_data(parser_cls) -> dict:
    """The picklable form of a parser class's freshly built tables."""
    table = parser_cls._lrtable
    return {
        "key": parser_cls._table_key,
        "action": table.lr_action,
        "goto": table.lr_goto,
        "defaulted": table.defaulted_states,
        "sr_conflicts": [tuple(c) for c in table.sr_conflicts],
        "rr_conflicts": [(st, str(a), str(b)) for st, a, b in table.rr_conflicts],
    }


def build_uncached(parser_cls):
    """A throwaway copy of `parser_cls` whose tables SLY computed from scratch.

    The copy also has ``_lrtable.state_descriptions`` (the LR item sets), which
    the grammar tests use to audit every conflict.
    """
    from sly.yacc import Parser, ParserMeta

    namespace = {k: v for k, v in vars(parser_cls).items() if k not in ("__dict__", "__weakref__")}
    namespace["_"] = None  # ParserMeta removes its decorator helper from the namespace
    fresh = ParserMeta(f"Uncached{parser_cls.__name__}", (Parser,), namespace)
    fresh._table_key = grammar_fingerprint(fresh._grammar)
    return fresh


def regenerate(path: str = TABLE_FILE) -> str:
    """Build the Quest parser's tables from scratch and write the cache file."""
    from .parser import QuestParser

    data = table_data(build_uncached(QuestParser))
    with open(path, "wb") as f:
        pickle.dump(data, f, protocol=4)
    return path


if __name__ == "__main__":
    print(f"wrote {regenerate()}")

"""The grammar itself: pinned conflicts, each audited; cached tables current."""

import re

import pytest

from trioquest import parse_tables
from trioquest.parser import EXPECTED_CONFLICTS, QuestParser
from trioquest.tokens import EXPR_START


@pytest.fixture(scope="module")
def fresh():
    return parse_tables.build_uncached(QuestParser)


# Each audited conflict: an LR item that must be in the conflicting state, and
# the lookahead tokens on which shifting (the greedy reading) is intended.
AUDITED = {
    "expr -> opexpr .": {"MINUS", "PLUS", "LPAREN", "LBRACKET"},
    "opexpr -> opexpr DOT NAME .": {"LPAREN"},
    "fun_decl -> fun_head . stmts END": {"LPAREN"},
    "type_ann -> dotted .": {"LBRACE", "LBRACKET"},
    "use_names -> .": {"LBRACE"},
}


def test_conflict_count_is_pinned(fresh):
    table = fresh._lrtable
    assert len(table.sr_conflicts) == EXPECTED_CONFLICTS == QuestParser.expected_shift_reduce
    assert table.rr_conflicts == []


def test_every_conflict_is_an_audited_greedy_shift(fresh):
    table = fresh._lrtable
    seen = {}
    for state, token, resolution in table.sr_conflicts:
        assert resolution == "shift"
        items = {
            m.group(1).strip()
            for m in re.finditer(r"^\s+\(\d+\) (.*)$", table.state_descriptions[state], re.M)
        }
        kinds = [item for item in AUDITED if item in items]
        assert len(kinds) == 1, (state, token, items)
        assert token in AUDITED[kinds[0]], (state, token, kinds[0])
        seen.setdefault(kinds[0], set()).add(token)
    assert seen == AUDITED


def test_cached_tables_are_current(fresh):
    cached = parse_tables.load_tables(fresh._table_key)
    assert cached is not None, "grammar changed: run `python -m trioquest.parse_tables`"
    assert cached.lr_action == fresh._lrtable.lr_action
    assert cached.lr_goto == fresh._lrtable.lr_goto
    assert cached.defaulted_states == fresh._lrtable.defaulted_states
    assert QuestParser._table_source == "cache"


def test_stale_or_missing_cache_is_ignored(tmp_path, fresh):
    assert parse_tables.load_tables(fresh._table_key, str(tmp_path / "missing")) is None
    path = tmp_path / "tables"
    path.write_bytes(b"not a pickle")
    assert parse_tables.load_tables(fresh._table_key, str(path)) is None
    import pickle

    path.write_bytes(pickle.dumps({"key": "other"}))
    assert parse_tables.load_tables(fresh._table_key, str(path)) is None


def test_token_pass_knows_what_starts_an_expression(fresh):
    grammar = fresh._grammar
    grammar.compute_first()
    first = set(grammar.First["expr"]) - {"<empty>"}
    assert first == set(EXPR_START)


def test_every_parser_token_is_used_by_the_grammar(fresh):
    assert fresh._grammar.unused_terminals() == []
    assert fresh._grammar.unused_rules() == []

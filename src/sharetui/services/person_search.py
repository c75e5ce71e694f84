"""Finding a person: a query parsed into name words, a date of birth, an NHS number or a
reference; the exact matches a page at a time, then similar names (spellings, nicknames,
sounds-alike) under their own heading, with the reason each was offered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, intersect, or_, union, union_all
from sqlalchemy import select as sa_select
from sqlalchemy.orm import Mapped
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from sharetui.domain.name_match import (
    NameMatch,
    Reason,
    StoredName,
    Term,
    joined_terms,
    query_terms,
)
from sharetui.domain.permissions import Permission
from sharetui.domain.person import parse_date
from sharetui.domain.text import clean_line, fold
from sharetui.services.audit import require
from sharetui.services.person_rows import SUMMARY_COLUMNS
from sharetui.services.unit_of_work import Actor, UseCases
from sharetui.services.views import (
    Page,
    PersonMatch,
    PersonSummary,
    SearchPage,
)
from sharetui.store.models import (
    Person,
    PersonNameKey,
)

PAGE_SIZE = 20
CANDIDATES = 2_000  # on PostgreSQL, a first name word matching more is walked in name order
SIMILAR_CAP = 200  # similar candidates read per query word: more would not be read at a desk


def summary(p: Person) -> PersonSummary:
    assert p.id is not None
    return PersonSummary(
        p.id,
        p.family_name,
        p.given_names,
        p.other_names,
        p.date_of_birth,
        p.dob_estimated,
        p.reference,
        p.last_activity_at,
    )


_Rows = Select[*tuple[Any, ...]]  # a statement of plain rows, any columns
# The exact group's order: by name, newest activity first among the same names.
_NAME_ORDER = (col(Person.sort_key), col(Person.last_activity_at).desc(), col(Person.id))


def sort_key(family: str, given: str) -> str:
    return f"{fold(family)} {fold(given)}"[:420]


def _prefix_range(column: Mapped[str] | Mapped[str | None], prefix: str) -> ColumnElement[bool]:
    return and_(column >= prefix, column < prefix + "\U0010ffff")


def _word_prefix(term: Term) -> SelectOfScalar[int]:
    """The people with a name word (or joined pair of words) starting with the term."""
    ranges = [_prefix_range(col(PersonNameKey.key), prefix) for prefix in term.exact_prefixes()]
    return select(PersonNameKey.person_id).where(or_(*ranges))


def _word_match(term: Term, keys: set[str]) -> Select[tuple[int]]:
    """The people who have the term exactly (a word start) or one of its similar keys: each
    look-up a read of the key index alone, the lists put end to end. The same conditions
    joined by OR made PostgreSQL read the table's rows behind the index (a bitmap scan of
    3,000 pages, 5 ms, for 'Cal' in 'Cal Barkeer'); a person listed twice is one person to
    the INTERSECT this stands in."""
    key = col(PersonNameKey.key)
    lookups = [select(PersonNameKey.person_id).where(key.in_(sorted(keys)))]
    lookups += [
        select(PersonNameKey.person_id).where(_prefix_range(key, prefix))
        for prefix in term.exact_prefixes()
    ]
    either = union_all(*lookups).subquery()
    return sa_select(either.c.person_id)


def _all_words(terms: tuple[Term, ...]) -> Select[tuple[int]]:
    """PostgreSQL: the people with a name word starting with each term, as one list made
    first (a materialized CTE). The name keys alone answer it: each term's range of the key
    index, intersected. Taking the longest word's people and probing each for the other
    words cost a person read and an index probe a candidate: 14 ms for 'Ni Wil' (2,400
    people named Wil...), where the two ranges of keys (5,500 keys) take about 2 ms."""
    both = intersect(*(_word_prefix(term) for term in terms)).cte("candidates")
    return sa_select(both.prefix_with("MATERIALIZED").c.person_id)


@dataclass(frozen=True)
class ParsedQuery:
    """A query read as the desk types it: conditions on the person (date of birth, year,
    reference or NHS number) and the name words, as typed and as folded terms."""

    filters: tuple[ColumnElement[bool], ...]
    words: tuple[str, ...]
    terms: tuple[Term, ...]  # folded, longest first

    @property
    def conditions(self) -> int:
        return len(self.filters) + len(self.terms)


def parse_query(query: str) -> ParsedQuery | None:
    """None when the query holds nothing to search by (punctuation alone would otherwise
    match everyone)."""
    filters: list[ColumnElement[bool]] = []
    words: list[str] = []
    this_year = date.today().year
    for word in search_terms(clean_line(query)):
        when = parse_date(word)
        if when is not None:
            filters.append(col(Person.date_of_birth) == when)
        elif any(ch.isdigit() for ch in word):
            upper = word.upper()
            digits = "".join(ch for ch in word if ch.isdigit())
            either = [
                _prefix_range(col(Person.reference), upper),
                _prefix_range(col(Person.nhs_number), digits),
            ]
            if word.isdecimal() and len(word) == 4 and 1880 <= int(word) <= this_year:
                year = int(word)  # a year alone: born that year (or a number starting so)
                either.append(
                    and_(
                        col(Person.date_of_birth) >= date(year, 1, 1),
                        col(Person.date_of_birth) <= date(year, 12, 31),
                    )
                )
            filters.append(or_(*either))
        elif query_terms([word]):
            words.append(word)
    terms = tuple(query_terms(words))
    if not filters and not terms:
        return None
    return ParsedQuery(tuple(filters), tuple(words), terms)


def search_terms(query: str) -> list[str]:
    """The words of a query, with runs of digit groups joined as people type them:
    '4 3 2016' is one date of birth and '943 476 5919' one NHS number."""
    terms: list[str] = []
    run: list[str] = []
    for word in [*query.split(), ""]:
        if word.isdecimal():
            run.append(word)
            continue
        if run:
            spaced = " ".join(run)
            terms.append(spaced if len(run) == 3 and parse_date(spaced) else "".join(run))
            run = []
        if word:
            terms.append(word)
    return terms


class PersonSearch(UseCases):
    """Mixed into People: the searches, over the same store."""

    def find(
        self, actor: Actor, query: str, offset: int = 0, limit: int = PAGE_SIZE
    ) -> Page[PersonSummary]:
        """The exact group only: partial names in any order (transliterated, case, accents and
        punctuation inside names ignored, other names included), a date of birth or a year,
        or a reference / NHS number prefix. Names tie: newest activity first."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        q = parse_query(query)
        if q is None:
            return Page((), offset, limit, False)
        return self.store.read(lambda s: self._exact_page(s, q, offset, limit), actor)

    def search(
        self,
        actor: Actor,
        query: str,
        offset: int = 0,
        limit: int = PAGE_SIZE,
        *,
        count_similar: bool = False,
    ) -> SearchPage:
        """What the search screens show: the exact group (as find()) first, then the similar
        names (sounds like, spelling, short form, one letter different; see
        domain.name_match), each with its reason, paged as one list. A query of only a
        reference, NHS number or date has no similar group. While the exact matches fill the
        page the similar names are not looked for unless count_similar is set."""
        require(actor, Permission.WORK_WITH_PEOPLE)
        q = parse_query(query)
        if q is None:
            return SearchPage((), offset, limit, False, 0, 0)
        return self.store.read(
            lambda s: self._search(s, q, max(offset, 0), limit, count_similar), actor
        )

    def _search(
        self, s: Session, q: ParsedQuery, offset: int, limit: int, count_similar: bool = False
    ) -> SearchPage:
        exact = self._exact_page(s, q, offset, limit)
        items = [PersonMatch(p, "exact") for p in exact.items]
        if exact.has_more:
            count = len(self._similar(s, q)) if count_similar else None
            return SearchPage(tuple(items), offset, limit, True, count)
        similar = self._similar(s, q)
        if exact.items or offset == 0:
            exact_total = offset + len(exact.items)
        else:
            exact_total = self._exact_count(s, q)
        start = max(offset - exact_total, 0)
        room = limit - len(items)
        items += similar[start : start + room]
        more = len(similar) > start + room
        return SearchPage(tuple(items), offset, limit, more, len(similar), exact_total)

    def _exact_page(
        self, s: Session, q: ParsedQuery, offset: int, limit: int
    ) -> Page[PersonSummary]:
        stmt = self._exact_statement(s, q).order_by(*_NAME_ORDER)
        rows = s.execute(stmt.offset(max(offset, 0)).limit(limit + 1)).all()
        people = tuple(PersonSummary(*row) for row in rows[:limit])
        return Page(people, offset, limit, len(rows) > limit)

    def _exact_count(self, s: Session, q: ParsedQuery) -> int:
        stmt = self._exact_statement(s, q).with_only_columns(col(Person.id))
        return s.exec(select(func.count()).select_from(stmt.subquery())).one()

    def _exact_statement(self, s: Session, q: ParsedQuery) -> _Rows:
        stmt: _Rows = sa_select(*SUMMARY_COLUMNS).where(*q.filters)
        if not q.terms:
            return stmt
        if len(q.terms) > 1 and s.get_bind().dialect.name == "postgresql":
            return stmt.where(col(Person.id).in_(_all_words(q.terms)))
        for n, term in enumerate(q.terms):
            if n == 0:  # the longest word picks the candidates (see _candidates)
                walk = q.conditions == 1  # the word alone: the name order may be walked
                stmt = stmt.where(col(Person.id).in_(self._candidates(s, term, walk)))
            else:
                stmt = stmt.where(col(Person.id).in_(_word_prefix(term)))
        return stmt

    @staticmethod
    def _candidates(s: Session, term: Term, walk: bool) -> SelectOfScalar[int]:
        """Who has a name word starting with the term. SQLite always lists these first and
        sorts only them. PostgreSQL may instead walk every name in order until a page has
        matched: quick when matches are everywhere ('j'), 60 to 140 ms at 100,000 people
        when they cluster ('wri', 'sm' are mostly Wright, Smith), or when a date of birth or
        a reference must match too. So the list is made first there too (a materialized CTE),
        unless the word is all there is to match and many people have it. (Several name
        words on PostgreSQL are matched together: _all_words.)"""
        sub = _word_prefix(term)
        if s.get_bind().dialect.name != "postgresql":
            return sub
        if walk:
            counted = select(func.count()).select_from(sub.limit(CANDIDATES + 1).subquery())
            if s.exec(counted).one() > CANDIDATES:
                return sub
        return select(sub.cte("candidates").prefix_with("MATERIALIZED").c.person_id)

    def _similar(self, s: Session, q: ParsedQuery) -> list[PersonMatch]:
        """Everyone whose names match every query word, at least one of them only similarly
        (not as the start of a word). Each word in turn is the one that is only similar: its
        similar keys are looked up by equality (indexed), the people with some key of each
        other word are intersected with them, and those who have the word exactly are taken
        out. The candidates are then checked and ranked by domain.name_match. All of it is one
        statement (each word's set a branch of a UNION, read with the names to check): on
        PostgreSQL a round trip per word cost more than the sets themselves."""
        words = q.words
        if not words:
            return []
        terms = [query_terms([w])[0] for w in words]
        keys = [t.similar_keys() for t in terms]
        for i, j, joined in joined_terms(words):
            keys[i].add("w:" + joined.text)
            keys[j].add("w:" + joined.text)
        branches: list[Select[tuple[int]]] = []
        for i, term in enumerate(terms):
            if not keys[i]:
                continue
            # Sets, not row-by-row probes: who has a similar key of this word, and some key
            # of each other word, and (if given) the date of birth, but not this word exactly.
            parts: list[Select[Any]] = [
                select(PersonNameKey.person_id).where(col(PersonNameKey.key).in_(sorted(keys[i])))
            ]
            for j, other in enumerate(terms):
                if j != i:
                    parts.append(_word_match(other, keys[j]))
            if q.filters:
                parts.append(select(Person.id).where(*q.filters))
            found_i = (intersect(*parts) if len(parts) > 1 else parts[0]).subquery()
            capped = (
                sa_select(found_i.c.person_id)
                .where(found_i.c.person_id.not_in(_word_prefix(term)))
                .limit(SIMILAR_CAP)
                .subquery()
            )
            branches.append(sa_select(capped.c.person_id))
        if not branches:
            return []
        found: list[tuple[NameMatch, PersonSummary]] = []
        shown = sa_select(*SUMMARY_COLUMNS).where(
            col(Person.id).in_(union(*branches) if len(branches) > 1 else branches[0])
        )
        for row in s.execute(shown).all():
            match = StoredName(row[1], row[2], row[3]).classify(words)
            if match is not None and match.reason != Reason.EXACT:
                found.append((match, PersonSummary(*row)))
        # Closest spelling first within each reason, then as the exact group is ordered.
        found.sort(
            key=lambda f: (
                f[0].reason,
                -round(f[0].closeness, 2),
                sort_key(f[1].family_name, f[1].given_names),
                -f[1].last_activity_at.timestamp(),
                f[1].id,
            )
        )
        return [PersonMatch(p, m.reason.label, m.word) for m, p in found]

    # -- open -------------------------------------------------------------------------

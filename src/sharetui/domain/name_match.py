"""Which stored names a caller's spelling of a name should find, and why.

On a duty-desk call a wrong "not known to us" is a safeguarding failure, so a name is matched
in layers, each with the reason the desk is shown:

- **exact**: the same letters once case, accents and other scripts are set aside. Every word is
  transliterated to ASCII with anyascii (Ł→L, ø→o, ß→ss, æ→ae, Müller→Muller, 王→Wang), and
  German umlauts and đ also keep their other usual spelling (ü→ue, đ→dj), so Lucja finds Łucja
  and Mueller finds Müller as exact matches. Punctuation and spaces inside a name only split
  words, and the joined form is kept too: O'Brien is "o", "brien" and "obrien", so O Brien and
  OBrien are exact; Smith-Jones is found by Smith Jones and Smithjones.
- **spelling** (spacing): the caller split a name that is stored as one word (Mc Donald for
  McDonald, Anna Marie for Annamarie).
- **short form**: a given name and a short form of it (Liz, Beth for Elizabeth; Bill for
  William), from the list in data/given_name_forms.txt, which names its source.
- **sounds like**: the same Double Metaphone code (primary or alternative), computed on the
  transliterated word, and letters alike enough that they are not two names sharing consonants
  (Mohammed, Muhammad, Mohamed; Catherine, Kathryn; Steven, Stephen; Aisha, Ayesha; but not
  Jane, John: see _sounds_alike). Reid and Read (and Reed) share a code, so each finds the others
  as "sounds like", never as exact: they are different stored names, yet on the phone a caller
  cannot tell them apart, and missing a known family costs far more than reading one more line
  marked with its reason.
- **one letter different**: one letter transposed, missing, doubled or wrong (Damerau-
  Levenshtein distance 1, by jellyfish) where the longer word has five letters or more. Shorter
  words are left out: one letter changes most of a three-letter name (Ann, Ian, Ivan).

Every key is computed here at write time and stored one per row (store.models.PersonNameKey),
so a search looks keys up through an index instead of scanning names. Keys are prefixed by
kind: "w:" word forms (prefix-searched for exact), "p:" phonetic codes, "s:" short-form groups,
"d:" one-letter deletions (the symmetric-deletion trick: two words one edit apart share a key
of this kind or one equals the other's deletion). A query's similar keys are looked up by
equality; the candidates are then checked here (classify) before they are shown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from importlib import resources

import jellyfish
from anyascii import anyascii
from doublemetaphone import doublemetaphone

KEY_LENGTH = 200
SOUNDS_ALIKE_SIMILARITY = 0.7  # see _sounds_alike
SHORT_WORD = 4  # see phonetic_keys
TYPO_MIN_LENGTH = 5  # the longer word of a one-letter-different pair has at least this many
_SPLIT = re.compile(r"[^a-z0-9]+")
_OTHER_SPELLINGS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "đ": "dj", "Đ": "Dj"}
)


class Reason(IntEnum):
    """Why a person matched, best first: the order results are ranked in."""

    EXACT = 0
    SPELLING = 1
    SHORT_FORM = 2
    SOUNDS_LIKE = 3
    ONE_LETTER = 4

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Reason.EXACT: "exact",
    Reason.SPELLING: "spelling",
    Reason.SHORT_FORM: "short form",
    Reason.SOUNDS_LIKE: "sounds like",
    Reason.ONE_LETTER: "one letter different",
}


# -- words ----------------------------------------------------------------------------------------
def _ascii_words(text: str) -> list[str]:
    return [w for w in _SPLIT.split(anyascii(text).casefold()) if w]


@lru_cache(maxsize=8192)
def spellings(text: str) -> tuple[tuple[str, ...], ...]:
    """The ASCII word lists a name is written as: anyascii's, then (if different) the one with
    ü→ue, ä→ae, ö→oe, đ→dj."""
    nfc = unicodedata.normalize("NFC", text or "")
    out = [tuple(_ascii_words(nfc))]
    other = nfc.translate(_OTHER_SPELLINGS)
    if other != nfc:
        alt = tuple(_ascii_words(other))
        if alt != out[0]:
            out.append(alt)
    return tuple(out)


@lru_cache(maxsize=8192)
def word_forms(text: str) -> frozenset[str]:
    """Every word of a name field, every pair of neighbours joined and (for three or four
    words) all of them joined, in each spelling."""
    forms: set[str] = set()
    for words in spellings(text):
        forms.update(words)
        forms.update(a + b for a, b in zip(words, words[1:], strict=False))
        if 2 < len(words) <= 4:  # 'Abd al-Rahman' is also 'abdalrahman'
            forms.add("".join(words))
    return frozenset(f[: KEY_LENGTH - 2] for f in forms)


@lru_cache(maxsize=8192)
def _single_words(text: str) -> frozenset[str]:
    return frozenset(w for words in spellings(text) for w in words)


# -- the keys of each kind ------------------------------------------------------------------------
@lru_cache(maxsize=16384)
def phonetic(word: str) -> frozenset[str]:
    """Double Metaphone codes (primary and alternative) of an ASCII word; none for digits."""
    if not word.isalpha():
        return frozenset()
    return frozenset(code for code in doublemetaphone(word) if code)


@lru_cache(maxsize=16384)
def phonetic_keys(word: str) -> frozenset[str]:
    """The stored and looked-up form of the codes. A code of one letter ("L", "A", "S") would
    join a word to thousands of names, so it is kept only for short words (four letters or
    fewer: Li, Lee, Lea; Zoe, Zoey), in their own namespace ("q:"), matched only with other
    short words; short words also keep their longer codes as "p:" (Fam, Pham)."""
    codes = phonetic(word)
    keys = {"p:" + c for c in codes if len(c) > 1}
    if len(word) <= SHORT_WORD:
        keys |= {"q:" + c for c in codes}
    return frozenset(keys)


def deletions(word: str) -> set[str]:
    """The word with each one letter left out."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@lru_cache(maxsize=1)
def short_form_groups() -> dict[str, frozenset[str]]:
    """Given name (full or short) -> the full names it may stand for (data/given_name_forms.txt)."""
    text = (
        resources.files("sharetui.domain")
        .joinpath("data/given_name_forms.txt")
        .read_text(encoding="utf-8")
    )
    groups: dict[str, set[str]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        full, _, forms = line.partition(":")
        full = full.strip()
        for name in [full, *(f.strip() for f in forms.split(","))]:
            if name:
                groups.setdefault(name, set()).add(full)
    return {name: frozenset(fulls) for name, fulls in groups.items()}


def short_forms(word: str) -> frozenset[str]:
    return short_form_groups().get(word, frozenset())


def person_keys(family_name: str, given_names: str, other_names: str) -> set[str]:
    """Every search key of a person, as stored (one row each) when the person is written."""
    keys: set[str] = set()
    for field in (family_name, given_names, other_names):
        for form in word_forms(field):
            keys.add("w:" + form)
            keys.update(phonetic_keys(form))
        for word in _single_words(field):
            if len(word) >= TYPO_MIN_LENGTH:
                keys.update("d:" + d for d in deletions(word))
    for field in (given_names, other_names):  # short forms are of given names only
        for word in _single_words(field):
            keys.update("s:" + full for full in short_forms(word))
    return {k[:KEY_LENGTH] for k in keys}


# -- queries --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    """One word of a query, in each of its spellings (punctuation inside it dropped, so
    "o'brien" is "obrien")."""

    forms: tuple[str, ...]

    @property
    def text(self) -> str:
        return self.forms[0]

    def exact_prefixes(self) -> list[str]:
        """What an exact (prefix) match looks up: "w:" + each form."""
        return ["w:" + f for f in self.forms]

    def similar_keys(self) -> set[str]:
        """Keys looked up by equality for a similar match of this word alone."""
        keys: set[str] = set()
        for f in self.forms:
            if len(f) < 2 or not f.isalpha():
                continue
            keys.update(phonetic_keys(f))
            keys.update("s:" + full for full in short_forms(f))
            if len(f) >= TYPO_MIN_LENGTH - 1:
                keys.add("d:" + f)
            if len(f) >= TYPO_MIN_LENGTH:
                for d in deletions(f):
                    keys.add("d:" + d)
                    keys.add("w:" + d)
        return {k[:KEY_LENGTH] for k in keys}


def query_terms(words: Iterable[str]) -> list[Term]:
    """The name words of a query, each folded as stored names are; longest first."""
    terms: dict[tuple[str, ...], Term] = {}
    for word in words:
        forms = tuple(dict.fromkeys("".join(ws) for ws in spellings(word) if ws))
        if forms:
            terms.setdefault(forms, Term(forms))
    return sorted(terms.values(), key=lambda t: len(t.text), reverse=True)


def joined_terms(words: Sequence[str]) -> list[tuple[int, int, Term]]:
    """Neighbouring query words joined ('mc donald' -> 'mcdonald'), with their positions."""
    out: list[tuple[int, int, Term]] = []
    folded = [query_terms([w]) for w in words]
    for i in range(len(words) - 1):
        a, b = folded[i], folded[i + 1]
        if a and b:
            out.append((i, i + 1, Term((a[0].text + b[0].text,))))
    return out


# -- checking a candidate -------------------------------------------------------------------------
@dataclass(frozen=True)
class NameMatch:
    reason: Reason
    word: str  # the query word that decided the reason ("" for exact)
    closeness: float = 1.0  # Jaro-Winkler of that word to the nearest stored name word


class StoredName:
    """A stored person's names, prepared for classify()."""

    def __init__(self, family_name: str, given_names: str, other_names: str) -> None:
        self.forms: set[str] = set()
        self.words: set[str] = set()
        for field in (family_name, given_names, other_names):
            self.forms |= word_forms(field)
            self.words |= _single_words(field)
        self.codes = {f: phonetic_keys(f) for f in self.forms}
        self.fulls: set[str] = set()
        for field in (given_names, other_names):
            for word in _single_words(field):
                self.fulls |= short_forms(word)

    def _term_reason(self, term: Term) -> Reason | None:
        best: Reason | None = None
        for f in term.forms:
            if any(form.startswith(f) for form in self.forms):
                return Reason.EXACT
            if len(f) < 2 or not f.isalpha():
                continue
            if short_forms(f) & self.fulls:
                best = min(best or Reason.SHORT_FORM, Reason.SHORT_FORM)
            elif any(_sounds_alike(f, form, codes) for form, codes in self.codes.items()):
                best = min(best or Reason.SOUNDS_LIKE, Reason.SOUNDS_LIKE)
            elif any(_one_letter(f, w) for w in self.words):
                best = min(best or Reason.ONE_LETTER, Reason.ONE_LETTER)
        return best

    def classify(self, words: Sequence[str]) -> NameMatch | None:
        """How well every query word is matched (the weakest word decides), or None when a
        word matches nothing of this person."""
        reasons: list[Reason | None] = []
        for w in words:
            terms = query_terms([w])
            reasons.append(self._term_reason(terms[0]) if terms else Reason.EXACT)
        for i, j, joined in joined_terms(words):
            if reasons[i] == Reason.EXACT and reasons[j] == Reason.EXACT:
                continue
            if any(form == joined.text for form in self.forms):
                for k in (i, j):
                    found = reasons[k]
                    if found is None or found > Reason.SPELLING:
                        reasons[k] = Reason.SPELLING
        if not reasons or any(r is None for r in reasons):
            return None
        worst = max(r for r in reasons if r is not None)
        if worst == Reason.EXACT:
            return NameMatch(worst, "")
        word = words[reasons.index(worst)]
        forms = query_terms([word])[0].forms
        closeness = max(
            jellyfish.jaro_winkler_similarity(f, form) for f in forms for form in self.forms
        )
        return NameMatch(worst, word, closeness)


def _sounds_alike(word: str, stored: str, stored_codes: frozenset[str]) -> bool:
    """Same Double Metaphone code, and not two different names that merely share consonants:
    the code drops vowels, so Jane and John share one. A Jaro-Winkler similarity of 0.7 keeps
    Catherine/Kathryn (0.76), Aisha/Ayesha (0.84) and Pham/Fam (0.72) and drops Jane/John
    (0.67); names of three letters or fewer (Li, Lee) are too short to judge that way."""
    if not phonetic_keys(word) & stored_codes:
        return False
    if max(len(word), len(stored)) <= 3:
        return True
    return jellyfish.jaro_winkler_similarity(word, stored) >= SOUNDS_ALIKE_SIMILARITY


def _one_letter(a: str, b: str) -> bool:
    if max(len(a), len(b)) < TYPO_MIN_LENGTH or abs(len(a) - len(b)) > 1:
        return False
    return jellyfish.damerau_levenshtein_distance(a, b) == 1

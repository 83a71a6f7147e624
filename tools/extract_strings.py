"""Collect every translatable string of the kiosk (the first argument of each ``tr(...)`` in
kiosk/) and check the catalogs in resources/translations/ against them. docs/TRANSLATING.md.

    .venv/bin/python tools/extract_strings.py          # counts, problems, strings that look untranslated
    .venv/bin/python tools/extract_strings.py --check  # exit 1 on any problem (tests/unit/test_translations.py)
    .venv/bin/python tools/extract_strings.py --update resources/translations/en.json
        # sort the catalog, drop obsolete keys (shown on stderr with their old translation) and
        # print the missing keys on stdout as JSON with empty values, to be translated
    .venv/bin/python tools/extract_strings.py --update resources/translations/en.json --merge new.json
        # then add the translated entries of new.json (empty values are skipped)
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import re
import string
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIR = ROOT / "kiosk"
CATALOG_DIR = ROOT / "resources" / "translations"

# Sources that read the same in English: names, codes, file filters, addresses, words English
# borrowed. Any other entry whose translation equals its source is taken for one nobody
# translated yet (tests/unit/test_translations.py).
SAME_IN_ENGLISH = frozenset({
    "NIK {nik}, {step}",  # the masked NIK and a step name, both translated elsewhere
    "Kios IKD", "NIK", "NIP", "NIP.", "PIN", "Email", "Status", "No.", "OK", "Printer", "FOLDER",
    "Supervisor", "Supervisor (F9)", "supervisor", "Kelurahan", "Thermal 58 mm", "Thermal 80 mm",
    "PDF (*.pdf)", "CSV (*.csv)", "Kecamatan {kec}, {kota}", "Padang, {date}", "{key} {what}",
})
# Common Indonesian words that never belong in an English translation (proper nouns such as
# kelurahan, kecamatan, Dukcapil are not in this list: they stay as they are).
INDONESIAN_WORDS = frozenset({
    "yang", "dan", "atau", "tidak", "belum", "sudah", "untuk", "dengan", "dari", "ini", "itu",
    "pada", "akan", "bisa", "harus", "lagi", "silakan", "ketik", "tekan", "warga", "petugas",
    "tanda", "terima", "berkas", "kamera", "foto", "wajah", "simpan", "hapus", "kirim", "tanggal",
    "dalam", "sebelum", "sesudah", "setelah", "oleh", "ada", "di", "ke", "sini", "lalu", "jika",
    "bila", "agar", "supaya", "masih", "baru", "sedang", "sama", "coba", "periksa", "pilih",
})

# -- which calls take a user-visible text (the heuristic for strings not wrapped in tr) ------
_ALL = None  # every positional argument
USER_VISIBLE_CALLS: dict[str, tuple[int, ...] | None] = {
    # Qt widgets and their text setters
    "QLabel": (0,), "QPushButton": _ALL, "QCheckBox": (0,), "QRadioButton": (0,), "QGroupBox": (0,),
    "QToolButton": (0,), "QAction": _ALL, "QTableWidgetItem": (0,), "QListWidgetItem": _ALL,
    "setText": (0,), "setToolTip": (0,), "setPlaceholderText": (0,), "setWindowTitle": (0,),
    "setTitle": (0,), "setStatusTip": (0,), "setWhatsThis": (0,), "setTabText": (1,), "addTab": (1,),
    "setItemText": (1,), "addItem": (0,), "insertItem": (1,), "setSuffix": (0,), "setPrefix": (0,),
    "setFormat": (0,), "showMessage": (0,), "setHorizontalHeaderLabels": (0,), "setHeaderLabels": (0,),
    "setSpecialValueText": (0,), "addRow": (0,),
    "getSaveFileName": (1, 3), "getOpenFileName": (1, 3), "getExistingDirectory": (1,),
    "QMessageBox.information": _ALL, "QMessageBox.warning": _ALL, "QMessageBox.critical": _ALL,
    "QMessageBox.question": _ALL,
    # the kiosk's own helpers (kiosk/ui/screens/common.py, kiosk/ui/widgets/banner.py)
    "title": (0,), "hint": (0,), "button": (0,), "show_message": (1, 2),
    # printed output (reportlab)
    "Paragraph": (0,), "drawString": (2,), "drawCentredString": (2,), "drawRightString": (2,),
    "String": (2,),
    # the command line
    "print": _ALL, "print_error": _ALL, "ArgumentTypeError": (0,),
}
USER_VISIBLE_KEYWORDS = frozenset({"help", "description", "message", "next_step", "title"})
# Literals that look shown to a person but are meant to stay as they are (exact text; for an
# f-string, its fixed parts joined by "{}"), with the reason.
NOT_FOR_TRANSLATION = {
    "listening on {}": "machine-read by tests and scripts (kiosk/sync/gateway_server.py)",
}
_PROSE = re.compile(r"[^\W\d_]{2,}")  # a word of two letters or more
_CODE_LIKE = re.compile(r"^[\w.\-/:%={}]*$")  # one token: an identifier, a path, a format code
_MARKUP = re.compile(r"<[^<>]*>")


@dataclass(frozen=True, order=True)
class Finding:
    path: str  # relative to the repository, with forward slashes
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


@dataclass
class Extraction:
    """What the sources hold: each translatable string with where it is used; the tr() calls the
    extractor cannot read, that run at import time or whose values do not fit the string
    (errors); literals that look shown to a person but are not wrapped in tr() (a heuristic)."""

    messages: dict[str, list[Finding]] = field(default_factory=dict)
    not_literal: list[Finding] = field(default_factory=list)
    at_import: list[Finding] = field(default_factory=list)
    bad_calls: list[Finding] = field(default_factory=list)
    unwrapped: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return sorted(self.not_literal + self.at_import + self.bad_calls)


# -- placeholders --------------------------------------------------------------------------
def placeholders(text: str) -> set[str]:
    """The names of ``{name}`` fields in ``text`` (``{{`` is a literal brace, not a field)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


class _AnyValue:
    """A dummy placeholder value that accepts every format spec."""

    def __format__(self, spec: str) -> str:
        return "x"


def format_problem(text: str) -> str | None:
    """Why ``text.format(**dummies)`` fails, or None when it works."""
    try:
        names = placeholders(text)
    except ValueError as error:
        return f"bad braces ({error})"
    positional = sorted(name for name in names if name == "" or name.isdigit())
    if positional:
        return "positional placeholder {} or {0}; name it: {count}"
    try:
        text.format(**{name: _AnyValue() for name in names})
    except (KeyError, IndexError, ValueError, AttributeError) as error:
        return f"does not format ({type(error).__name__}: {error})"
    return None


# -- reading the sources ------------------------------------------------------------------
def _callee(call: ast.Call) -> str:
    """``name`` for ``name(...)`` and ``x.name(...)``; ``QMessageBox.name`` for its static calls."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        if isinstance(func.value, ast.Name) and func.value.id == "QMessageBox":
            return f"QMessageBox.{func.attr}"
        return func.attr
    return ""


def _is_tr(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "tr"
    return isinstance(func, ast.Attribute) and func.attr == "tr" and \
        isinstance(func.value, ast.Name) and func.value.id == "i18n"


def _why_not_constant(node: ast.expr) -> str:
    if isinstance(node, ast.JoinedStr):
        return "an f-string in tr(): write tr(\"... {name} ...\", name=value)"
    if isinstance(node, ast.BinOp):
        return "a concatenation in tr(): put the whole sentence in one literal with {placeholders}"
    if isinstance(node, ast.Starred):
        return "tr(*args): the extractor cannot see the string"
    return "tr() of a non-literal: wrap the literal where it is written, not here"


def _literal_text(node: ast.expr) -> str | None:
    """The words a literal (or the fixed part of an f-string) shows, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def looks_like_prose(text: str) -> bool:
    """Words for a person: not a code, an identifier, a path or bare markup."""
    if text in NOT_FOR_TRANSLATION:
        return False
    stripped = _MARKUP.sub(" ", text).strip()
    return bool(_PROSE.search(stripped)) and not _CODE_LIKE.match(stripped)


class _Visitor(ast.NodeVisitor):
    """One module: tr() calls, tr() run at import time, unwrapped user-visible literals."""

    def __init__(self, path: str, error_classes: frozenset[str], out: Extraction) -> None:
        self.path = path
        self.error_classes = error_classes
        self.out = out
        self.deferred = 0  # >0 inside a function or lambda body: runs when called, not at import

    def _finding(self, node: ast.AST, text: str) -> Finding:
        return Finding(self.path, node.lineno, text)

    # Code in a def's body or a lambda runs later; its defaults and decorators run at import.
    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for part in (*node.decorator_list, *node.args.defaults, *node.args.kw_defaults):
            if part is not None:
                self.visit(part)
        self.deferred += 1
        for statement in node.body:
            self.visit(statement)
        self.deferred -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for part in (*node.args.defaults, *node.args.kw_defaults):
            if part is not None:
                self.visit(part)
        self.deferred += 1
        self.visit(node.body)
        self.deferred -= 1

    def visit_Call(self, node: ast.Call) -> None:
        if _is_tr(node):
            self._tr_call(node)
        else:
            self._maybe_unwrapped(node)
        self.generic_visit(node)

    def _tr_call(self, node: ast.Call) -> None:
        if not self.deferred:
            self.out.at_import.append(self._finding(
                node, "tr() runs at import time, so the text stays in the language of that moment; "
                      "call it where the text is shown (or wrap it in a lambda)"))
        if not node.args:
            self.out.not_literal.append(self._finding(node, "tr() without a string"))
            return
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            self.out.not_literal.append(self._finding(node, _why_not_constant(first)))
            return
        source = first.value
        self.out.messages.setdefault(source, []).append(self._finding(node, source))
        problem = format_problem(source)
        if problem:
            self.out.bad_calls.append(self._finding(node, f"{problem}: {source!r}"))
            return
        self._check_arguments(node, source)

    def _check_arguments(self, node: ast.Call, source: str) -> None:
        """Named values that do not match the string's placeholders: a KeyError at run time, or a
        value that is never shown. No values at all is allowed (the caller formats it later)."""
        if len(node.args) > 1:
            self.out.bad_calls.append(self._finding(node, f"tr() takes one positional argument: {source!r}"))
        given = {keyword.arg for keyword in node.keywords}
        if not given or None in given:  # no values, or **mapping: cannot tell
            return
        expected = placeholders(source)
        for name in sorted(expected - given):
            self.out.bad_calls.append(self._finding(node, f"no value for {{{name}}} in tr({source!r})"))
        for name in sorted(given - expected):
            self.out.bad_calls.append(self._finding(node, f"{name}= is not a placeholder of tr({source!r})"))

    def _maybe_unwrapped(self, node: ast.Call) -> None:
        name = _callee(node)
        if name in self.error_classes:
            positions: tuple[int, ...] | None = (0, 1)
        elif name in USER_VISIBLE_CALLS:
            positions = USER_VISIBLE_CALLS[name]
        else:
            positions = ()
        arguments = [arg for i, arg in enumerate(node.args) if positions is None or i in positions]
        if name in self.error_classes or name in USER_VISIBLE_CALLS or _is_cli_option(node):
            arguments += [kw.value for kw in node.keywords if kw.arg in USER_VISIBLE_KEYWORDS]
        for argument in arguments:
            for element in argument.elts if isinstance(argument, (ast.List, ast.Tuple)) else [argument]:
                text = _literal_text(element)
                if text is not None and looks_like_prose(text):
                    self.out.unwrapped.append(self._finding(element, f"{name}({text!r}) is not in tr()"))


def _is_cli_option(node: ast.Call) -> bool:
    return _callee(node) in {"add_argument", "add_parser", "add_subparsers", "ArgumentParser",
                             "KioskArgumentParser", "add_argument_group"}


def kiosk_error_classes(trees: dict[str, ast.Module]) -> frozenset[str]:
    """``KioskError`` and every class in the sources that derives from it (by name)."""
    bases: dict[str, set[str]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                names = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
                bases.setdefault(node.name, set()).update(names)
    found = {"KioskError"}
    while True:
        more = {name for name, parents in bases.items() if parents & found} - found
        if not more:
            return frozenset(found)
        found |= more


def source_files(source_dir: Path = SOURCE_DIR) -> Iterator[Path]:
    yield from sorted(path for path in source_dir.rglob("*.py") if "__pycache__" not in path.parts)


def extract(source_dir: Path = SOURCE_DIR, root: Path = ROOT) -> Extraction:
    """Read every module under ``source_dir`` (paths reported relative to ``root``)."""
    trees = {path.relative_to(root).as_posix(): ast.parse(path.read_text(encoding="utf-8"), str(path))
             for path in source_files(source_dir)}
    out = Extraction()
    error_classes = kiosk_error_classes(trees)
    for path, tree in trees.items():
        _Visitor(path, error_classes, out).visit(tree)
    for found in (out.not_literal, out.at_import, out.bad_calls, out.unwrapped):
        found.sort()
    return out


# -- the catalogs -------------------------------------------------------------------------
def catalog_paths(catalog_dir: Path = CATALOG_DIR) -> list[Path]:
    return sorted(catalog_dir.glob("*.json"))


def read_catalog(path: Path) -> dict[str, str]:
    return json.loads(path.read_text(encoding="utf-8"))


def write_catalog(path: Path, catalog: dict[str, str]) -> None:
    text = json.dumps(dict(sorted(catalog.items())), ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")


def missing_keys(messages: dict[str, list[Finding]], catalog: dict[str, str]) -> list[str]:
    return sorted(key for key in messages if not (isinstance(catalog.get(key), str) and catalog[key].strip()))


def obsolete_keys(messages: dict[str, list[Finding]], catalog: dict[str, str]) -> list[str]:
    return sorted(key for key in catalog if key not in messages)


def placeholder_problems(catalog: dict[str, str]) -> list[str]:
    """Entries whose translation names other placeholders than its source, or does not format."""
    problems = []
    for source, translation in sorted(catalog.items()):
        if not isinstance(translation, str):
            problems.append(f"{source!r}: the translation is not a string")
            continue
        for text in (source, translation):
            problem = format_problem(text)
            if problem:
                problems.append(f"{source!r} -> {translation!r}: {problem}")
        try:
            same = placeholders(source) == placeholders(translation)
        except ValueError:
            continue  # already reported as bad braces
        if not same:
            problems.append(f"{source!r} -> {translation!r}: placeholders "
                            f"{sorted(placeholders(source))} != {sorted(placeholders(translation))}")
    return problems


def untranslated_entries(catalog: dict[str, str]) -> list[str]:
    """English entries that are still Indonesian: the source copied, or Indonesian words left in."""
    found = []
    for source, translation in sorted(catalog.items()):
        if not isinstance(translation, str):
            continue
        if translation == source and source not in SAME_IN_ENGLISH:
            found.append(f"{source!r}: translation equals the source (add it to SAME_IN_ENGLISH "
                         "if it really reads the same in English)")
            continue
        # Placeholders and “quoted names” (an account, a sender, a place) are not translated.
        prose = re.sub(r"\{[^{}]*\}|\u201c[^\u201d]*\u201d", " ", translation)
        words = set(re.findall(r"[^\W\d_]+", prose.lower()))
        if words & INDONESIAN_WORDS:
            found.append(f"{source!r} -> {translation!r}: Indonesian words {sorted(words & INDONESIAN_WORDS)}")
    return found


def catalog_report(messages: dict[str, list[Finding]], path: Path) -> list[str]:
    catalog = read_catalog(path)
    name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    lines = [f"{name}: missing {key!r} (used at {messages[key][0].path}:{messages[key][0].line})"
             for key in missing_keys(messages, catalog)]
    lines += [f"{name}: obsolete {key!r}" for key in obsolete_keys(messages, catalog)]
    lines += [f"{name}: {problem}" for problem in placeholder_problems(catalog)]
    if path.stem == "en":
        lines += [f"{name}: untranslated {problem}" for problem in untranslated_entries(catalog)]
    return lines


# -- the command --------------------------------------------------------------------------
def update(messages: dict[str, list[Finding]], path: Path, merge: Path | None) -> int:
    catalog = read_catalog(path) if path.exists() else {}
    if merge is not None:
        added = {k: v for k, v in read_catalog(merge).items() if isinstance(v, str) and v.strip()}
        catalog.update(added)
        print(f"merged {len(added)} entries from {merge}", file=sys.stderr)
    dropped = {key: catalog.pop(key) for key in obsolete_keys(messages, catalog)}
    for key, translation in dropped.items():
        print(f"obsolete, dropped: {json.dumps({key: translation}, ensure_ascii=False)}", file=sys.stderr)
    write_catalog(path, {k: v for k, v in catalog.items() if isinstance(v, str) and v.strip()})
    missing = missing_keys(messages, catalog)
    if missing:
        print(json.dumps({key: "" for key in missing}, ensure_ascii=False, indent=2))
    for key in missing:
        where = ", ".join(f"{f.path}:{f.line}" for f in messages[key])
        print(f"missing: {key!r} at {where}", file=sys.stderr)
        # A source that was only reworded: its old translation is a good start.
        for old in difflib.get_close_matches(key, list(dropped), n=1, cutoff=0.6):
            print(f"  was {old!r}: {dropped[old]!r}", file=sys.stderr)
    print(f"{path}: {len(messages) - len(missing)} of {len(messages)} strings translated", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 on any problem")
    parser.add_argument("--update", type=Path, metavar="CATALOG", help="sort CATALOG, drop obsolete keys, "
                        "print missing keys as JSON on stdout")
    parser.add_argument("--merge", type=Path, metavar="JSON", help="with --update: add these translations")
    parser.add_argument("--strict", action="store_true", help="with --check: unwrapped literals fail too")
    args = parser.parse_args(argv)
    if args.merge and not args.update:
        parser.error("--merge needs --update CATALOG")
    extraction = extract()
    if args.update:
        return update(extraction.messages, args.update, args.merge)
    problems = [f"{finding}" for finding in extraction.errors]
    if not catalog_paths():
        problems.append(f"no catalog in {CATALOG_DIR}")
    for path in catalog_paths():
        problems += catalog_report(extraction.messages, path)
    for finding in extraction.unwrapped:
        print(f"warning: {finding}", file=sys.stderr)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    uses = sum(len(found) for found in extraction.messages.values())
    print(f"{len(extraction.messages)} strings ({uses} tr() calls), {len(problems)} problems, "
          f"{len(extraction.unwrapped)} literals that look untranslated", file=sys.stderr)
    failed = problems or (args.strict and extraction.unwrapped)
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())

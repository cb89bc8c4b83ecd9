"""The hostile-input corpus: inputs an attacker or a careless tool would give the command line,
each with the located problem it must be refused with (not a test module).

Each entry writes its input into a temporary folder and returns the command line to run there;
``expect`` is a regular expression the error output must match (file, line and column, JSON path
or option, and what was wrong), ``code`` the exit code. Large inputs are generated, not stored.
Classes: ``yaml`` (syntax, tags, aliases, nesting, numbers, dates, characters, encodings in a
case), ``file`` (what the path leads to), ``calendar``, ``argument`` (--as-of, --param),
``case`` (facts that are refused or warned about), ``policy`` (validate on a broken copy),
``diff`` (--cases, --policy-path, revisions), ``write`` (output folders).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from paths import EXAMPLES_DIR, POLICY_DIR

BASE_CASE = (EXAMPLES_DIR / "01-reviewer-overturned-correct-opinion.yaml").read_text(
    encoding="utf-8"
)
ARTICLE = "articles/art_07.yaml"


@dataclass(frozen=True)
class Hostile:
    id: str
    kind: str
    make: Callable[[Path], list[str]]  # writes the input under the folder, returns the argv
    expect: str  # regex on stderr (refusals) or stdout (code 0: warnings in the answer)
    code: int = 1


def _write(folder: Path, name: str, data: bytes | str) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def query(name: str, data: bytes | str, *extra: str) -> Callable[[Path], list[str]]:
    return lambda folder: ["query", _write(folder, name, data), *extra]


def case_query(text: str, *extra: str) -> Callable[[Path], list[str]]:
    return query("case.yaml", text, "--as-of", "2024-12-01", *extra)


def replaced(old: str, new: str) -> str:
    assert old in BASE_CASE, old
    return BASE_CASE.replace(old, new, 1)


def _yaml_entries() -> list[Hostile]:
    out = []
    loc = r"case\.yaml:\d+:\d+: "
    # every C0 control character but tab, newline and carriage return, and DEL and the C1 controls
    controls = [c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)] + list(range(0x7F, 0xA0))
    for code in controls:
        char = chr(code)
        out.append(
            Hostile(
                f"control character U+{code:04X} in a value",
                "yaml",
                case_query(replaced('name: "张丽"', f'name: "张{char}丽"')),
                loc + rf"character U\+{code:04X} is not allowed",
            )
        )
    for tag in (
        "!!timestamp 2024-03-12",
        "!!binary aGVsbG8=",
        "!!python/object/apply:os.system ['true']",
        "!!python/name:os.system",
        "!!str 2024-03-12",
        "!!int 3",
        "!!float 1.5",
        "!!set {a: null}",
        "!!omap [{a: 1}]",
        "! 2024-03-12",
        "!custom 2024-03-12",
        "!<tag:example.com,2000:x> 1",
    ):
        out.append(
            Hostile(
                f"explicit tag {tag.split()[0]}",
                "yaml",
                case_query(replaced('fault_date: "2024-03-12"', f"fault_date: {tag}")),
                loc + r"\$\.case\.fault_date: YAML tag \S+ is not allowed",
            )
        )
    out += [
        Hostile(
            "a tag on a mapping key",
            "yaml",
            case_query(replaced("  fault_date:", "  !!str fault_date:")),
            loc + r"\$\.case: mapping key: YAML tag tag:yaml\.org,2002:str is not allowed",
        ),
        Hostile(
            "%TAG directive and a local tag",
            "yaml",
            case_query(
                "%TAG !e! tag:example.com,2000:\n---\n"
                + replaced('fault_date: "2024-03-12"', "fault_date: !e!date 2024-03-12")
            ),
            loc + r"\$\.case\.fault_date: YAML tag tag:example\.com,2000:date is not allowed",
        ),
        Hostile(
            "anchor and alias",
            "yaml",
            case_query(replaced("handler: zhang_li", "handler: &h zhang_li\n    x: *h")),
            loc + r"YAML anchor &h is not allowed",
        ),
        Hostile(
            "merge key",
            "yaml",
            case_query(BASE_CASE + "extra: {<<: {a: 1}}\n"),
            loc + r"\$\.extra: YAML merge key << is not allowed",
        ),
        Hostile(
            "billion laughs",
            "yaml",
            case_query(
                'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
                + "".join(
                    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n"
                    for i in range(8)
                )
            ),
            loc + r"YAML (anchor|alias) .* is not allowed",
        ),
    ]
    for label, text in (
        ("500 nested [ in 1 KB", "case: " + "[" * 500 + "]" * 500 + "\n"),
        ("500 nested {", "case: " + "{a: " * 500 + "1" + "}" * 500 + "\n"),
        ("100,000 nested [ (generated)", "[" * 100_000 + "]" * 100_000),
        (
            "200 levels of block nesting",
            "".join("  " * i + "a:\n" for i in range(200)) + "  " * 200 + "b: 1\n",
        ),
        ("65 nested lists, one past the limit", "x: " + "[" * 65 + "]" * 65 + "\n"),
    ):
        out.append(
            Hostile(
                label,
                "yaml",
                case_query(text),
                loc + r"nested too deeply; expected at most 64 levels",
            )
        )
    out.append(
        Hostile(
            "deeply nested JSON case",
            "yaml",
            query("case.json", "[" * 50_000 + "]" * 50_000, "--as-of", "2024-12-01"),
            r"case\.json: nested too deeply",
        )
    )
    for label, value, message in (
        ("an integer of 5,000 digits", "9" * 5000, r"integer of 5000 characters is too large"),
        ("an integer of 25 digits", "1" + "0" * 24, r"integer with 25 digits is too large"),
        ("a huge hexadecimal integer", "0x" + "f" * 100, r"integer of 102 characters is too large"),
        ("a negative 20-digit integer", "-" + "9" * 20, r"integer with 20 digits is too large"),
        (
            "an infinite float",
            "1.0e+999",
            r"the number 1\.0e\+999 is beyond what can be represented",
        ),
        ("a NaN", ".nan", r"nan is not a finite number"),
        ("infinity", "-.inf", r"-inf is not a finite number"),
    ):
        out.append(
            Hostile(
                label,
                "yaml",
                case_query(replaced("inspectors: 2", f"inspectors: {value}")),
                loc + r"\$\.acts\[0\]\.inspection\.inspectors: " + message,
            )
        )
    for day in ("9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01", "0000-00-00"):
        out.append(
            Hostile(
                f"fault date {day}",
                "yaml",
                case_query(replaced('fault_date: "2024-03-12"', f'fault_date: "{day}"')),
                loc + rf"\$\.case\.fault_date: date {day} is outside the years 1900–2200",
            )
        )
    for day, why in (("2024-02-30", "no 30 February"), ("2024-13-01", "month 13")):
        out.append(
            Hostile(
                f"fault date {day} ({why})",
                "yaml",
                case_query(replaced('fault_date: "2024-03-12"', f'fault_date: "{day}"')),
                loc + r"\$\.case\.fault_date: .* is not a valid date",
            )
        )
    out += [
        Hostile(
            "unquoted date in a case file",
            "yaml",
            case_query(replaced('fault_date: "2024-03-12"', "fault_date: 9999-12-31")),
            loc + r"\$\.case\.fault_date: date 9999-12-31 is outside the years",
        ),
        Hostile(
            "escaped ESC sequence in a name",
            "yaml",
            case_query(replaced('name: "张丽"', 'name: "\\e[2J\\e[31m张丽"')),
            loc + r"\$\.people\[0\]\.name: text holds the control character U\+001B",
        ),
        Hostile(
            "escaped NUL in a name",
            "yaml",
            case_query(replaced('name: "张丽"', 'name: "\\0张丽"')),
            loc + r"\$\.people\[0\]\.name: text holds the control character U\+0000",
        ),
        Hostile(
            "right-to-left override in a name",
            "yaml",
            case_query(replaced('name: "张丽"', 'name: "\\u202e张丽"')),
            loc + r"\$\.people\[0\]\.name: text holds the control character U\+202E",
        ),
        Hostile(
            "a lone surrogate in a JSON string",
            "yaml",
            query(
                "case.json", '{"case": {"id": "a\\ud800"}, "people": []}', "--as-of", "2024-12-01"
            ),
            r"case\.json:1:\d+: YAML syntax error: found invalid Unicode character escape code",
        ),
        Hostile(
            "duplicate top-level key",
            "yaml",
            case_query(BASE_CASE + "people: []\n"),
            loc + r"\$\.people: duplicate key 'people' \(first at line \d+\)",
        ),
        Hostile(
            "duplicate nested key",
            "yaml",
            case_query(
                replaced("    handler: zhang_li\n", "    handler: zhang_li\n    handler: sun_hao\n")
            ),
            loc + r"\$\.acts\[0\]\.handler: duplicate key 'handler'",
        ),
        Hostile(
            "a complex mapping key",
            "yaml",
            case_query(BASE_CASE + "? [a, b]\n: 1\n"),
            loc + r"\$: a mapping key is not a plain value",
        ),
        Hostile(
            "two YAML documents",
            "yaml",
            case_query(BASE_CASE + "---\na: 1\n"),
            r"case\.yaml: \$: file holds 2 YAML documents",
        ),
        Hostile(
            "unclosed quote",
            "yaml",
            case_query(replaced('name: "张丽"', 'name: "张丽')),
            loc + r"YAML syntax error",
        ),
        Hostile(
            "tab indentation",
            "yaml",
            case_query("case:\n\tid: x\n"),
            loc + r"YAML syntax error",
        ),
        Hostile(
            "an empty file", "yaml", case_query(""), r"case\.yaml: \$: file holds 0 YAML documents"
        ),
        Hostile(
            "only a comment",
            "yaml",
            case_query("# nothing\n"),
            r"case\.yaml: \$: file holds 0 YAML",
        ),
        Hostile(
            "a bare string", "yaml", case_query("hello\n"), r"case\.yaml:1:1: \$: .*type string"
        ),
        Hostile("a list", "yaml", case_query("- 1\n- 2\n"), r"case\.yaml:1:1: \$: .*type array"),
        Hostile(
            "invalid UTF-8",
            "yaml",
            query("case.yaml", BASE_CASE.encode("utf-8").replace("张丽".encode(), b"\xff\xfe", 1)),
            r"case\.yaml:\d+:\d+: byte 0xff is not valid UTF-8",
        ),
        Hostile(
            "UTF-16 with a byte-order mark",
            "yaml",
            query("case.yaml", BASE_CASE.encode("utf-16")),
            r"case\.yaml:1:1: byte 0xff is not valid UTF-8",
        ),
        Hostile(
            "GBK bytes",
            "yaml",
            query("case.yaml", BASE_CASE.encode("gbk")),
            r"case\.yaml:\d+:\d+: byte 0x[0-9a-f]{2} is not valid UTF-8",
        ),
        Hostile(
            "a file of 1 MiB + 1 byte (generated)",
            "yaml",
            query("case.yaml", BASE_CASE + "#" + "x" * (1024 * 1024) + "\n"),
            r"case\.yaml: file is \d+ bytes; expected at most 1048576 bytes",
        ),
        Hostile(
            "300,000 one-digit items (generated)",
            "yaml",
            query("case.json", "[" + ",".join(["1"] * 300_000) + "]"),
            r"case\.json:1:\d+: more than 250000 values",
        ),
        Hostile(
            "a 1,000-character property name",
            "yaml",
            case_query(BASE_CASE + "k" * 1000 + ": 1\n"),
            r"case\.yaml:\d+:\d+: \$: unknown property k{10,60}…",
        ),
        Hostile(
            "a 100,000-character unknown person id",
            "yaml",
            case_query(replaced("handler: zhang_li", "handler: " + "z" * 100_000)),
            r"\$\.acts\[0\]\.handler: unknown person z{10,60}…;",
        ),
        Hostile(
            "JSON with NaN",
            "yaml",
            query("case.json", '{"case": NaN}'),
            r"case\.json: JSON value error: NaN is not a JSON number",
        ),
        Hostile(
            "JSON syntax error",
            "yaml",
            query("case.json", '{"case": {"id": "x",}}'),
            r"case\.json:1:\d+: JSON syntax error",
        ),
    ]
    return out


def _named(name: str, data: str) -> Callable[[Path], list[str]]:
    return lambda folder: ["query", _write(folder, name, data), "--as-of", "2024-12-01"]


def _fifo(folder: Path) -> list[str]:
    path = folder / "case.yaml"
    os.mkfifo(path)
    return ["query", str(path)]


def _link(target: str, name: str = "case.yaml") -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        link = folder / "cases" / name
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target)
        return ["query", str(link)]

    return make


def _loop(folder: Path) -> list[str]:
    (folder / "a.yaml").symlink_to(folder / "b.yaml")
    (folder / "b.yaml").symlink_to(folder / "a.yaml")
    return ["query", str(folder / "a.yaml")]


def _outside_link(folder: Path) -> list[str]:
    outside = folder / "elsewhere" / "secret.yaml"
    outside.parent.mkdir()
    outside.write_text("password: hunter2\n", encoding="utf-8")
    link = folder / "cases" / "case.yaml"
    link.parent.mkdir()
    link.symlink_to(outside)
    return ["query", str(link)]


def _file_entries() -> list[Hostile]:
    refused_link = r"a symbolic link that leads outside the project and outside its own folder"
    return [
        Hostile(
            "a named pipe (FIFO)", "file", _fifo, r"case\.yaml: not a regular file \(a named pipe\)"
        ),
        Hostile(
            "/dev/zero",
            "file",
            lambda f: ["query", "/dev/zero"],
            r"/dev/zero: not a regular file \(a device\)",
        ),
        Hostile(
            "/dev/null",
            "file",
            lambda f: ["query", "/dev/null"],
            r"/dev/null: not a regular file \(a device\)",
        ),
        Hostile(
            "a folder", "file", lambda f: ["query", str(f)], r"not a regular file \(a folder\)"
        ),
        Hostile(
            "a missing file",
            "file",
            lambda f: ["query", str(f / "nope.yaml")],
            r"nope\.yaml: cannot read file: no such file",
        ),
        Hostile(
            "an empty path",
            "file",
            lambda f: ["query", ""],
            r"argument CASE: an empty value; expected a non-empty value",
            code=2,
        ),
        Hostile(
            "a link to /etc/passwd", "file", _link("/etc/passwd"), r"case\.yaml: " + refused_link
        ),
        Hostile("a link to /dev/zero", "file", _link("/dev/zero"), r"case\.yaml: " + refused_link),
        Hostile(
            "a link to a file in another folder",
            "file",
            _outside_link,
            r"case\.yaml: " + refused_link,
        ),
        Hostile(
            "a symbolic link loop",
            "file",
            _loop,
            r"a\.yaml: cannot read file: the path cannot be resolved",
        ),
        Hostile(
            "a file name with an escape sequence",
            "file",
            _named("c\x1b[31m\x07ase.yaml", BASE_CASE),
            r"责任",
            code=0,
        ),
        Hostile(
            "a refused file whose name holds an escape sequence",
            "file",
            _named("c\x1b]0;pwned\x07ase.yaml", "a: \x00\n"),
            r"c\\x1b\]0;pwned\\x07ase\.yaml:1:4: character U\+0000 is not allowed",
        ),
        Hostile(
            "/proc/self/environ through a link", "file", _link("/proc/self/environ"), refused_link
        ),
    ]


def _calendar(name: str, data: str | None = None) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        case = _write(folder, "case.yaml", BASE_CASE)
        if data is None:
            os.mkfifo(folder / name)
        else:
            _write(folder, name, data)
        return ["query", case, "--as-of", "2024-12-01", "--calendar", str(folder / name)]

    return make


def _calendar_entries() -> list[Hostile]:
    valid = (
        '{"name": "x", "source": "y", "coverage": {"first": "2027-01-01", "last": "2027-12-31"},'
        ' "holidays": [], "makeup_working_days": []}'
    )
    return [
        Hostile(
            "a calendar FIFO",
            "calendar",
            _calendar("cal.json"),
            r"cal\.json: not a regular file \(a named pipe\)",
        ),
        Hostile(
            "a calendar /dev/zero",
            "calendar",
            lambda f: ["query", _write(f, "case.yaml", BASE_CASE), "--calendar", "/dev/zero"],
            r"/dev/zero: not a regular file \(a device\)",
        ),
        Hostile(
            "a deeply nested calendar",
            "calendar",
            _calendar("cal.json", '{"holidays": ' + "[" * 20_000 + "]" * 20_000 + "}"),
            r"cal\.json: nested too deeply",
        ),
        Hostile(
            "a calendar year 9999",
            "calendar",
            _calendar("cal.json", valid.replace("2027-12-31", "9999-12-31")),
            r"cal\.json:1:\d+: \$\.coverage\.last: date 9999-12-31 is outside the years",
        ),
        Hostile(
            "a calendar with a NUL",
            "calendar",
            _calendar("cal.yaml", "name: x\x00\n"),
            r"cal\.yaml:1:8: character U\+0000 is not allowed",
        ),
        Hostile(
            "a calendar with a 5,000-digit number",
            "calendar",
            _calendar("cal.json", valid.replace('"holidays": []', '"holidays": ' + "9" * 5000)),
            r"cal\.json:1:\d+: \$\.holidays: integer of 5000 characters is too large",
        ),
        Hostile(
            "a calendar with a timestamp tag",
            "calendar",
            _calendar("cal.yaml", "name: x\nsource: !!timestamp 2027-01-01\n"),
            r"cal\.yaml:2:9: \$\.source: YAML tag tag:yaml\.org,2002:timestamp is not allowed",
        ),
    ]


def _argument_entries() -> list[Hostile]:
    out = []
    for value, message in (
        ("9999-12-31", r"as_of: 9999-12-31 is outside the years 1900–2200"),
        ("0001-01-01", r"as_of: 0001-01-01 is outside the years 1900–2200"),
        ("20241201", r"as_of: '20241201' is not a date"),
        ("2024-W48-7", r"as_of: '2024-W48-7' is not a date"),
        ("9" * 5000, r"as_of: '9{10,60}…' is not a date"),
        ("2024-12-01\x1b[2J", r"as_of: '2024-12-01\\x1b\[2J' is not a date"),
    ):
        out.append(
            Hostile(
                f"--as-of {value[:20]!r}",
                "argument",
                lambda f, v=value: ["query", _write(f, "case.yaml", BASE_CASE), "--as-of", v],
                r"<query>: " + message,
            )
        )
    for param, message in (
        (
            "art9_point3_window_months=" + "9" * 5000,
            r"art9_point3_window_months: '9{10,60}… is not an integer",
        ),
        ("art9_point3_window_months=99999999999999999999", r"99999999999999999999 is out of range"),
        (
            "art7_point3_min_inspectors=-99999999999999999",
            r"is out of range for art7_point3_min_inspectors",
        ),
        (
            "art7_art8_computed_items=art_7__point3",
            r"art7_art8_computed_items\[0\]: item 'art_7__point3' is not allowed",
        ),
        (
            "art7_art8_computed_items=art_7__point_2,art_7__point_2",
            r"art7_art8_computed_items\[1\]: item 'art_7__point_2' is listed twice",
        ),
        (
            "art16_close_in_law_kinds=cousin",
            r"art16_close_in_law_kinds\[0\]: item 'cousin' is not allowed",
        ),
        ("no_such_parameter=1", r"no_such_parameter: unknown interpretation parameter"),
        (
            "art10_tail_reading=\x1b]0;title\x07",
            r"'\\x1b\]0;title\\x07' is not an option of art10_tail_reading",
        ),
        ("novalue", r"--param: 'novalue' is not NAME=VALUE"),
        # int() alone would take these as 12 and 1000
        ("art9_point3_window_months=１２", r"'１２' is not an integer"),
        ("art9_point3_window_months=1_000", r"'1_000' is not an integer"),
        (
            "art7_art8_computed_items=art_7__point_2,",
            r"--param art7_art8_computed_items: 'art_7__point_2,' has an empty item",
        ),
    ):
        out.append(
            Hostile(
                f"--param {param[:30]!r}… ({len(param)} characters)",
                "argument",
                lambda f, p=param: [
                    "query",
                    _write(f, "case.yaml", BASE_CASE),
                    "--as-of",
                    "2024-12-01",
                    "--param",
                    p,
                ],
                message,
            )
        )
    out.append(
        Hostile(
            "--as-of ''",
            "argument",
            lambda f: ["query", _write(f, "case.yaml", BASE_CASE), "--as-of", ""],
            r"argument --as-of: an empty value; expected a non-empty value",
            code=2,
        )
    )
    out.append(
        Hostile(
            "a parameter given twice",
            "argument",
            lambda f: [
                "query",
                _write(f, "case.yaml", BASE_CASE),
                "--param",
                "art9_point3_window_months=12",
                "--param",
                "art9_point3_window_months=6",
            ],
            r"--param art9_point3_window_months: art9_point3_window_months is given more than once",
        )
    )
    return out


RELATIONS = "relations:\n  parents:\n{parents}  spouses:\n{spouses}"


def _family(
    parents: list[tuple[str, str]], spouses: list[tuple[str, str]] = (), extra: str = ""
) -> str:
    lines = "".join(f"    - {{child: {c}, parent: {p}}}\n" for c, p in parents) or "    []\n"
    pairs = "".join(f"    - [{a}, {b}]\n" for a, b in spouses) or "    []\n"
    return BASE_CASE + RELATIONS.format(parents=lines, spouses=pairs) + extra


def _case_entries() -> list[Hostile]:
    warn = r"⚠ "
    return [
        Hostile(
            "an ancestry cycle",
            "case",
            case_query(_family([("zhang_li", "zhao_min"), ("zhao_min", "zhang_li")])),
            r"case\.yaml:\d+:\d+: \$\.relations\.parents\[\d\]: \S+ is their own ancestor",
        ),
        Hostile(
            "one's own parent",
            "case",
            case_query(_family([("zhang_li", "zhang_li")])),
            r"\$\.relations\.parents\[0\]: zhang_li is their own parent",
        ),
        Hostile(
            "one's own spouse",
            "case",
            case_query(_family([], [("sun_hao", "sun_hao")])),
            r"\$\.relations\.spouses\[0\]: sun_hao is their own spouse",
        ),
        Hostile(
            "four parents (a warning in the answer)",
            "case",
            case_query(
                _family(
                    [
                        ("zhang_li", p)
                        for p in ("zhao_min", "sun_hao", "liu_zhiqiang", "wang_jianguo")
                    ]
                ),
                "--lang",
                "en",
            ),
            warn + r"张丽 has 4 parents recorded .*more than two birth parents",
            code=0,
        ),
        Hostile(
            "married to one's own parent (a warning)",
            "case",
            case_query(
                _family([("zhang_li", "zhao_min")], [("zhang_li", "zhao_min")]), "--lang", "en"
            ),
            warn + r"张丽 is recorded as married to their own ancestor 赵敏",
            code=0,
        ),
        Hostile(
            "married to one's own grandparent (a warning)",
            "case",
            case_query(
                _family(
                    [("zhang_li", "zhao_min"), ("zhao_min", "sun_hao")], [("sun_hao", "zhang_li")]
                ),
                "--lang",
                "en",
            ),
            warn + r"张丽 is recorded as married to their own ancestor 孙浩",
            code=0,
        ),
        Hostile(
            "a relation of support with oneself (a warning)",
            "case",
            case_query(_family([], [], "  support:\n    - [sun_hao, sun_hao]\n"), "--lang", "en"),
            warn
            + r"A person is recorded in a relation with themselves \(\$\.relations\.support\[0\]\)",
            code=0,
        ),
        Hostile(
            "an act with no roles (a warning)",
            "case",
            case_query(
                replaced(
                    "    handler: zhang_li\n    reviewer: wang_jianguo\n    approver: liu_zhiqiang\n",
                    "",
                )
                .replace("    correct_opinions: [zhang_li]\n", "")
                .replace(
                    "    opinion_changes:\n      - {by: wang_jianguo, changed: zhang_li}\n", ""
                ),
                "--lang",
                "en",
            ),
            warn
            + r"Act\(s\) “A fine of 50,000 yuan imposed on a care home” record no handler, reviewer or approver",
            code=0,
        ),
        Hostile(
            "a fault dated after the as-of date (a warning)",
            "case",
            case_query(
                replaced('fault_date: "2024-03-12"', 'fault_date: "2025-03-12"'), "--lang", "en"
            ),
            warn
            + r"The case records dates after the as-of date 2024-12-01 \(\$\.case\.fault_date\)",
            code=0,
        ),
        Hostile(
            "control characters in a note reach no terminal",
            "case",
            case_query(
                replaced(
                    'note: "罚款无法定依据 / the fine had no legal basis"',
                    'note: "\\e]52;c;ZWNobyBoaQ==\\a"',
                )
            ),
            r"case\.yaml:\d+:\d+: \$\.acts\[0\]\.points\[0\]\.note: text holds the control character U\+001B",
        ),
    ]


def _policy(mutate: Callable[[Path], None]) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        copy = folder / "policy"
        shutil.copytree(POLICY_DIR, copy)
        mutate(copy)
        return ["validate", str(copy)]

    return make


def _edit(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


def _append(rel: str, text: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        with (root / rel).open("a", encoding="utf-8") as handle:
            handle.write(text)

    return mutate


def _replace_file(rel: str, how: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        path = root / rel
        path.unlink()
        if how == "fifo":
            os.mkfifo(path)
        elif how == "passwd":
            path.symlink_to("/etc/passwd")
        elif how == "folder":
            path.mkdir()

    return mutate


def _policy_entries() -> list[Hostile]:
    art = r"articles/art_07\.yaml"
    return [
        Hostile(
            "a NUL in an article",
            "policy",
            _policy(_edit(ARTICLE, "eid: art_7", "eid: art_7\x00")),
            art + r":\d+:\d+: character U\+0000 is not allowed",
        ),
        Hostile(
            "a timestamp tag in an article",
            "policy",
            _policy(_edit(ARTICLE, "eid: art_7", "eid: !!timestamp 2024-01-01")),
            art + r":\d+:\d+: \$\.eid: YAML tag tag:yaml\.org,2002:timestamp is not allowed",
        ),
        Hostile(
            "a binary tag in vocabulary",
            "policy",
            _policy(_edit("vocabulary.yaml", "predicates:", "junk: !!binary aGk=\npredicates:")),
            r"vocabulary\.yaml:\d+:\d+: \$\.junk: YAML tag tag:yaml\.org,2002:binary is not allowed",
        ),
        Hostile(
            "deep nesting in parameters",
            "policy",
            _policy(_append("parameters.yaml", "junk: " + "[" * 1000 + "]" * 1000 + "\n")),
            r"parameters\.yaml:\d+:\d+: nested too deeply",
        ),
        Hostile(
            "a 5,000-digit integer in parameters",
            "policy",
            _policy(_edit("parameters.yaml", "default: 2\n", "default: " + "9" * 5000 + "\n")),
            r"parameters\.yaml:\d+:\d+: \$\.parameters\[\d+\]\.default: integer of 5000 characters is too large",
        ),
        Hostile(
            "a changelog dated 9999",
            "policy",
            _policy(_edit("instrument.yaml", "encoding:", "junk: 9999-12-31\nencoding:")),
            r"instrument\.yaml:\d+:\d+: \$\.junk: date 9999-12-31 is outside the years",
        ),
        Hostile(
            "an article that is a FIFO",
            "policy",
            _policy(_replace_file(ARTICLE, "fifo")),
            art + r": not a regular file \(a named pipe\)",
        ),
        Hostile(
            "an article linked to /etc/passwd",
            "policy",
            _policy(_replace_file(ARTICLE, "passwd")),
            art + r": a symbolic link that leads outside",
        ),
        Hostile(
            "an article that is a folder",
            "policy",
            _policy(_replace_file(ARTICLE, "folder")),
            art + r": not a regular file \(a folder\)",
        ),
        Hostile(
            "a list-parameter default with an unknown item",
            "policy",
            _policy(
                _edit(
                    "parameters.yaml",
                    "default: [art_7__point_2, art_7__point_3,",
                    "default: [art_7__point_2, art_7__point3,",
                )
            ),
            r"parameters\.yaml:\d+:\d+: \$\.parameters\[\d+\]\.default\[1\]: item 'art_7__point3' is not allowed",
        ),
        Hostile(
            "a received file outside the policy folder",
            "policy",
            _policy(
                _edit(
                    "normalisation.yaml",
                    "received_file: ",
                    "received_file: source/../../../../etc/passwd #",
                )
            ),
            r"normalisation\.yaml:\d+:\d+: \$\.received_file",
        ),
        Hostile(
            "an instrument that is a list",
            "policy",
            _policy(lambda root: (root / "instrument.yaml").write_text("- 1\n", encoding="utf-8")),
            r"instrument\.yaml:1:1: \$: .*type array",
        ),
        Hostile(
            "`version` on an instrument with a NUL",
            "policy",
            lambda f: (
                _policy(_edit("instrument.yaml", "encoding:", "x: \x00\nencoding:"))(f),
                ["version", str(f / "policy")],
            )[1],
            r"instrument\.yaml:\d+:\d+: character U\+0000 is not allowed",
        ),
        Hostile(
            "`parameters` with a policy holding a python tag",
            "policy",
            lambda f: (
                _policy(
                    _edit(
                        ARTICLE,
                        "eid: art_7",
                        "eid: !!python/object/apply:os.system ['touch pwned']",
                    )
                )(f),
                ["parameters", "--policy", str(f / "policy")],
            )[1],
            art
            + r":\d+:\d+: \$\.eid: YAML tag tag:yaml\.org,2002:python/object/apply:os\.system is not allowed",
        ),
    ]


def _diff(*extra: str, cases: dict[str, bytes | str] | None = None) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        argv = ["diff", str(POLICY_DIR), str(POLICY_DIR)]
        for name, data in (cases or {}).items():
            argv += [
                "--cases",
                _write(folder, name, data) if data is not None else str(folder / name),
            ]
        return argv + list(extra)

    return make


def _diff_entries() -> list[Hostile]:
    return [
        Hostile(
            "--cases naming a missing file",
            "diff",
            _diff(cases={"nope.yaml": None}),
            r"nope\.yaml: --cases: no such file or folder",
        ),
        Hostile(
            "--cases naming an empty file",
            "diff",
            _diff(cases={"empty.yaml": ""}),
            r"empty\.yaml: \$: file holds 0 YAML documents",
        ),
        Hostile(
            "--cases naming a null document",
            "diff",
            _diff(cases={"null.yaml": "null\n"}),
            r"null\.yaml: the file is empty",
        ),
        Hostile(
            "--cases naming a duplicate-key case",
            "diff",
            _diff(cases={"dup.yaml": BASE_CASE + "people: []\n"}),
            r"dup\.yaml:\d+:\d+: \$\.people: duplicate key 'people'",
        ),
        Hostile(
            "--cases naming an unreadable case",
            "diff",
            _diff(cases={"nul.yaml": BASE_CASE + "\x00"}),
            r"nul\.yaml:\d+:\d+: character U\+0000 is not allowed",
        ),
        Hostile(
            "--cases naming a file that is not a case",
            "diff",
            _diff(cases={"other.yaml": "a: 1\n"}),
            r"other\.yaml: neither a case",
        ),
        Hostile(
            "--policy-path out of the checkout",
            "diff",
            lambda f: ["diff", "HEAD", "HEAD", "--policy-path", "../../../etc"],
            r"--policy-path: '\.\./\.\./\.\./etc' leads outside the checkout",
        ),
        Hostile(
            "--policy-path absolute",
            "diff",
            lambda f: ["diff", "HEAD", "HEAD", "--policy-path", str(POLICY_DIR)],
            r"--policy-path: .* leads outside the checkout",
        ),
        Hostile(
            "a revision that is a git option",
            "diff",
            lambda f: ["diff", "--", "--output=/tmp/x", "HEAD"],
            r"--output=/tmp/x: not a folder or a git revision",
        ),
        Hostile(
            "a revision with a control character",
            "diff",
            lambda f: ["diff", "HEAD\x1b[2J", "HEAD"],
            r"HEAD\\x1b\[2J: neither an existing folder nor a revision",
        ),
    ]


def _nonempty(folder: Path) -> Path:
    target = folder / "precious"
    target.mkdir()
    (target / "thesis.txt").write_text("years of work\n", encoding="utf-8")
    return target


def _marked(folder: Path, kind: str) -> Path:
    target = folder / f"{kind}-output"
    target.mkdir()
    (target / ".accountability-output").write_text(f'{{"kind": "{kind}"}}\n', encoding="utf-8")
    (target / "page.html").write_text("x", encoding="utf-8")
    return target


def _write_entries() -> list[Hostile]:
    untouched = r"the folder is not empty \(1 entries\) and was not written by this command"
    return [
        Hostile(
            "docs build --out a non-empty unrelated folder",
            "write",
            lambda f: ["docs", "build", "--out", str(_nonempty(f))],
            r"precious: accountability docs build: " + untouched,
        ),
        Hostile(
            "docs build --out the policy folder",
            "write",
            lambda f: ["docs", "build", "--out", "policy"],
            r"policy: accountability docs build: the folder is, holds or lies inside the "
            r"project's policy/",
        ),
        Hostile(
            "docs build --out a new folder inside docs/",
            "write",
            lambda f: ["docs", "build", "--out", "docs/site"],
            r"docs/site: accountability docs build: .* inside the project's docs/",
        ),
        Hostile(
            "docs generate --staging the checkout itself",
            "write",
            lambda f: ["docs", "generate", "--staging", "."],
            r"accountability docs generate: .* the project's checkout/",
        ),
        Hostile(
            "docs build --out /",
            "write",
            lambda f: ["docs", "build", "--out", "/"],
            r"/: accountability docs build: .* the project's checkout/",
        ),
        Hostile(
            "docs build --out a file",
            "write",
            lambda f: ["docs", "build", "--out", _write(f, "a.txt", "x")],
            r"a\.txt: accountability docs build: not a folder",
        ),
        Hostile(
            "docs build --out a symbolic link",
            "write",
            lambda f: (
                os.symlink(_nonempty(f), f / "link"),
                ["docs", "build", "--out", str(f / "link")],
            )[1],
            r"link: accountability docs build: not a folder \(a file or a symbolic link is never replaced\)",
        ),
        Hostile(
            "docs build --out a staging folder",
            "write",
            lambda f: ["docs", "build", "--out", str(_marked(f, "staging"))],
            r"accountability docs build: the folder holds generated output of another kind \(staging\)",
        ),
        Hostile(
            "docs build --out and --staging the same folder",
            "write",
            lambda f: ["docs", "build", "--out", str(f / "x"), "--staging", str(f / "x")],
            r"overlap",
        ),
        Hostile(
            "docs generate --staging a non-empty unrelated folder",
            "write",
            lambda f: ["docs", "generate", "--staging", str(_nonempty(f))],
            r"precious: accountability docs generate: " + untouched,
        ),
        Hostile(
            "docs generate --staging a site folder",
            "write",
            lambda f: ["docs", "generate", "--staging", str(_marked(f, "site"))],
            r"the folder holds generated output of another kind \(site\)",
        ),
    ]


def corpus() -> list[Hostile]:
    return (
        _yaml_entries()
        + _file_entries()
        + _calendar_entries()
        + _argument_entries()
        + _case_entries()
        + _policy_entries()
        + _diff_entries()
        + _write_entries()
    )

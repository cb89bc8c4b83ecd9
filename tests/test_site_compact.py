"""The site's size and rebuild savings change bytes, never what a reader sees or finds.

The built pages lose template white space and per-token highlighting spans, the search index loses
repeated tags and redundant zero-width spaces, and a rebuild takes unchanged pages from the
per-page cache: each is checked here on small inputs; the whole site is checked by
tests/test_site_build.py and tests/test_site_browser.py.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from paths import ROOT

from generators.docs.compact import compact_html, compact_search_index
from generators.docs.render_cache import CACHE_FILE, without_excluded

PAGE = """<!doctype html>
<html>
  <body>


    <p>
      第十一条 <code>art_11</code>
    </p>
    <pre><code><span class="nt">case</span><span class="p">:</span>
<span class="w">  </span><span class="nt">id</span><span class="p">:</span><span class="w"> </span><span class="s">a</span><span class="nv"> </span><span class="s">b</span>
</code></pre>
    <script id="__config" type="application/json">{"search": "x", "t": "\\u5df2\\u590d\\u5236"}</script>
  </body>
</html>
"""


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_a_compacted_page_keeps_its_preformatted_text_and_shows_the_same_words():
    compact = compact_html(PAGE)
    assert len(compact) < len(PAGE)
    pre = re.search(r"<pre>.*?</pre>", PAGE, re.S).group(0)
    compact_pre = re.search(r"<pre>.*?</pre>", compact, re.S).group(0)
    assert _text(compact_pre) == _text(pre)  # every character of the code, its spaces too
    assert '<span class="s">a b</span>' in compact_pre  # one span where three showed the same
    outside = compact.split("<pre>")[0]
    assert "\n\n" not in outside and "\n " not in outside  # no blank lines, no indentation
    assert " ".join(_text(compact).split()) == " ".join(_text(PAGE).split()).replace(
        '{"search": "x", "t": "\\u5df2\\u590d\\u5236"}', '{"search":"x","t":"已复制"}'
    )


def test_a_compacted_page_leaves_out_only_the_quotes_end_tags_and_line_breaks_html_makes_optional():
    page = (
        '<ul>\n<li><a href="../art_11/#p5" title="第十一条 第（五）项">11(5)</a>\n'
        '<a class="cite" href="#x">§</a></li>\n<li>b</li>\n</ul>\n'
        "<table>\n<tr><th>a</th><td data-x='v w=\"q\"'>1</td></tr>\n<tr><td>2</td></tr>\n</table>\n"
        '<svg viewBox="0 0 2 2"><rect x="1"/><rect y="2" /></svg>\n'
        '<p>one\n<code>two</code>\n<span lang="en">three</span></p>'
    )
    assert compact_html(page) == (
        '<ul><li><a href=../art_11/#p5 title="第十一条 第（五）项">11(5)</a>\n'
        "<a class=cite href=#x>§</a><li>b</ul>"
        "<table><tr><th>a<td data-x='v w=\"q\"'>1<tr><td>2</table>"
        '<svg viewBox="0 0 2 2"><rect x="1"/><rect y=2 /></svg>'  # no bare value before "/>"
        "<p>one\n<code>two</code>\n<span lang=en>three</span></p>"  # inline: the breaks are spaces
    )


def test_the_search_index_keeps_the_tags_on_the_page_entry_and_splits_words_as_before():
    zw = "\u200b"
    index = {
        "config": {"separator": "[\\s\\u200b]+"},
        "docs": [
            {
                "location": "a/",
                "title": "第十一条",
                "text": f"{zw}责任{zw}，{zw}划分{zw}",
                "tags": ["11(5)"],
            },
            {
                "location": "a/#p5",
                "title": "五",
                "text": f"审核人{zw}改变{zw} x",
                "tags": ["11(5)"],
            },
        ],
    }
    docs = compact_search_index(index)["docs"]
    assert docs[0]["tags"] == ["11(5)"]
    assert "tags" not in docs[1]
    assert docs[0]["text"] == "责任，划分"
    assert docs[1]["text"] == f"审核人{zw}改变 x"  # between two words the space stays

    def words(text: str) -> list[str]:
        return [w for w in re.split(r"[\s\u200b，]+", text) if w]

    for before, after in zip(index["docs"], docs, strict=True):
        assert words(after["text"]) == words(before["text"])


def test_blocks_kept_out_of_search_are_taken_out_unless_they_hold_a_section_heading():
    html = (
        '<h2 id="a">A</h2><p>kept</p>'
        '<div class="t" data-search-exclude><div><table><tr><td>x</td></tr></table></div></div>'
        "<p>after</p>"
        '<div data-search-exclude><h3 id="b">B</h3></div>'
    )
    lean = without_excluded(html)
    assert lean == (
        '<h2 id="a">A</h2><p>kept</p><p>after</p><div data-search-exclude><h3 id="b">B</h3></div>'
    )


def _project(root: Path) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text(
        "# 首页\n\n[第十一条](art.md#p5) 责任划分\n\n## 说明 {#more}\n\n审核人改变了意见。\n",
        encoding="utf-8",
    )
    (docs / "art.md").write_text(
        "# 第十一条\n\n## 第（五）项 {#p5}\n\n领导指令下属。\n\n"
        "<div data-search-exclude><table><tr><td>样例</td></tr></table></div>\n",
        encoding="utf-8",
    )
    config = root / "mkdocs.yml"
    config.write_text(
        "site_name: t\n"
        "strict: true\n"
        "theme:\n  name: material\n  language: zh\n  font: false\n"
        "plugins:\n  - search:\n      lang: en\n"
        f"      jieba_dict_user: {ROOT / 'generators/docs/search_terms.txt'}\n"
        f"hooks:\n  - {ROOT / 'generators/docs/mkdocs_hooks.py'}\n"
        "markdown_extensions:\n  - toc:\n      permalink: true\n  - attr_list\n  - md_in_html\n",
        encoding="utf-8",
    )
    return config


def _build(config: Path, site: Path) -> dict[str, bytes]:
    build(load_config(str(config), site_dir=str(site)))
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_a_rebuild_takes_unchanged_pages_from_the_cache_and_gives_the_same_site(tmp_path):
    config = _project(tmp_path)
    first = _build(config, tmp_path / "site1")
    cache = tmp_path / "docs" / ".cache" / CACHE_FILE
    kept = json.loads(cache.read_text(encoding="utf-8"))
    assert len(kept["pages"]) == 2 and len(kept["searches"]) == 2
    written = cache.stat().st_mtime_ns

    again = _build(config, tmp_path / "site2")
    assert again == first
    assert cache.stat().st_mtime_ns == written  # every page came from the cache: nothing new

    # the cache taken away: a build without it gives the same bytes
    shutil.rmtree(tmp_path / "docs" / ".cache")
    assert _build(config, tmp_path / "site3") == first

    page = tmp_path / "docs" / "art.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n追加一句。\n", encoding="utf-8")
    changed = _build(config, tmp_path / "site4")
    assert "追加一句" in changed["art/index.html"].decode("utf-8")
    assert changed["index.html"] == first["index.html"]
    index = json.loads(changed["search/search_index.json"])
    assert any("追加" in d["text"] for d in index["docs"])
    kept = json.loads(cache.read_text(encoding="utf-8"))
    assert len(kept["pages"]) == 2  # the entry of the old art.md is not kept
